package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class StroemCommandTest {

    @Test
    void helpListsTheSubcommands() {
        var out = new StringWriter();
        var cli = StroemCommand.commandLine();
        cli.setOut(new PrintWriter(out));

        int exit = cli.execute("--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("dev");
    }
}
