package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config}, else {@code STROEM_CONFIG}, else the original's default file name; {@code --help}. */
class ConfigFileChoiceTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Map<String, String> env, String... args) {
        var cli = StroemCommand.commandLine(env);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void stroemConfigNamesTheFileOfServerAndWorker() throws IOException {
        Path server = Files.writeString(dir.resolve("my-server.yaml"), "listen: [not, an, address\n");
        Path worker = Files.writeString(dir.resolve("my-worker.yaml"), "worker_token: t\n");

        assertThat(run(Map.of("STROEM_CONFIG", server.toString()), "server")).isEqualTo(2);
        assertThat(err.toString()).contains("stroem server:").contains("my-server.yaml");

        assertThat(run(Map.of("STROEM_CONFIG", worker.toString()), "worker")).isNotZero();
        assertThat(err.toString()).contains("server_url");
    }

    @Test
    void withoutAnyConfigTheCommandSaysWhereItLooked() {
        Path elsewhere = dir.resolve("empty");
        assertThat(ConfigFileChoice.SERVER.missing(elsewhere))
                .isEqualTo("stroem server: no config file: pass --config FILE, set STROEM_CONFIG=FILE, or put "
                        + "server-config.yaml in the current folder (" + elsewhere.toAbsolutePath() + ").");
    }

    @Test
    void theDefaultNameInTheCurrentFolderIsUsedLast() throws IOException {
        var spec = StroemCommand.commandLine(Map.of()).getCommandSpec().subcommands().get("worker").getCommandSpec();
        assertThat(ConfigFileChoice.WORKER.choose(null, spec, dir)).isNull();
        Path file = Files.writeString(dir.resolve("worker-config.yaml"), "worker_token: t\n");
        assertThat(ConfigFileChoice.WORKER.choose(null, spec, dir)).isEqualTo(file);
        assertThat(ConfigFileChoice.WORKER.choose(Path.of("given.yaml"), spec, dir)).isEqualTo(Path.of("given.yaml"));
    }

    @Test
    void serverAndWorkerPrintHelp() {
        assertThat(run(Map.of(), "server", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: stroem server").contains("--config").contains("STROEM_CONFIG");
        assertThat(run(Map.of(), "worker", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: stroem worker");
    }
}
