package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Client commands that cannot do their work: one sentence on stderr, nothing on stdout, exit 3. */
class CliErrorsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        var cli = StroemCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static int closedPort() throws Exception {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void assertOneSentence(int exit, String expected) {
        assertThat(exit).isEqualTo(ExitCodes.ERROR);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines().toList()).containsExactly(expected);
    }

    @Test
    void anUnreachableServerIsOneSentenceForEveryClientCommand() throws Exception {
        String server = "http://127.0.0.1:" + closedPort();
        for (List<String> args : List.of(List.of("jobs"), List.of("status", "j"), List.of("logs", "j"),
                List.of("logs", "j", "--follow"), List.of("cancel", "j"), List.of("trigger", "hello-world"))) {
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
            var all = new java.util.ArrayList<>(args);
            all.addAll(List.of("--server", server));

            int exit = run(all.toArray(String[]::new));

            assertOneSentence(exit, "stroem " + args.get(0) + ": cannot reach the Strøm server at " + server
                    + ": connection refused.");
        }
    }

    @Test
    void aMalformedInputPairIsRefusedBeforeAnythingIsSent() throws Exception {
        int exit = run("trigger", "hello-world", "-i", "name", "--server", "http://127.0.0.1:" + closedPort());

        assertOneSentence(exit, "stroem trigger: -i expects KEY=VALUE, such as -i name=World, not \"name\".");
    }

    @Test
    void anInputGivenTwiceIsRefused() {
        int exit = run("trigger", "hello-world", "-i", "name=a", "-i", "name=b");

        assertOneSentence(exit, "stroem trigger: -i gives the input \"name\" twice.");
    }

    @Test
    void aServerUrlThatIsNotHttpIsRefused() {
        int exit = run("jobs", "--server", "localhost:8080");

        assertOneSentence(exit, "stroem jobs: --server (or STROEM_SERVER / STROEM_URL) must be an http:// or https:// URL such as "
                + "http://localhost:8080, not \"localhost:8080\".");
    }

    @Test
    void aBadOptionValueIsOneLineNotTheWholeUsage() {
        int exit = run("logs", "j", "--stream", "both");

        assertThat(exit).isEqualTo(ExitCodes.ERROR);
        assertThat(err.toString().lines().toList()).hasSize(1);
        assertThat(err.toString()).contains("--stream", "both", "stroem logs --help");
    }

    @Test
    void inputPairsKeepTheirOrderAndValuesMayHoldEqualsSigns() {
        assertThat(TriggerCommand.parseInputs(List.of("name=World", "expr=a=b", "empty=")))
                .containsExactly(java.util.Map.entry("name", "World"), java.util.Map.entry("expr", "a=b"),
                        java.util.Map.entry("empty", ""));
    }
}
