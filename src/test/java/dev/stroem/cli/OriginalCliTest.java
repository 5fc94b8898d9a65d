package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stroem.app.DevApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original's CLI habits work in ours (docs: reference/cli.md): {@code stroem-api} with
 * {@code STROEM_URL} and {@code --input JSON}, global {@code --server}/{@code --token} before the
 * subcommand, the remote {@code tasks}/{@code workspaces}, and the local workspace commands
 * {@code run}, {@code tasks}, {@code actions}, {@code triggers}, {@code inspect},
 * {@code validate FILE|DIR} with {@code --path}. Against a real server with its embedded worker.
 */
class OriginalCliTest {
    private static final Path EXAMPLE = Path.of("examples/workspace").toAbsolutePath();

    @TempDir
    static Path data;

    private static DevApp app;
    private static String server;
    private static ApiClient api;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() throws Exception {
        app = DevApp.start(new DevApp.Settings(data, EXAMPLE, 0));
        server = "http://localhost:" + app.port();
        api = new ApiClient(server, null);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static Run stroem(Map<String, String> env, String... args) {
        return execute(StroemCommand.commandLine(env), args);
    }

    private static Run stroemApi(Map<String, String> env, String... args) {
        return execute(StroemApiCommand.commandLine(env), args);
    }

    private static Run execute(picocli.CommandLine cli, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static JsonNode awaitEnd(String jobId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.job(jobId).path("status").asText(), s -> s.equals("completed") || s.equals("failed"));
        return api.job(jobId);
    }

    @Test
    void aScriptWrittenForTheOriginalTriggersWithStroemUrlAndJsonInput() {
        Run run = stroemApi(Map.of("STROEM_URL", server), "trigger", "hello-world", "--input", "{\"name\": \"x\"}");

        assertThat(run.exit()).as(run.err()).isZero();
        String jobId = run.out().strip();
        var job = awaitEnd(jobId);
        assertThat(job.path("status").asText()).isEqualTo("completed");
        assertThat(job.path("raw_input").path("name").asText()).isEqualTo("x");
        Run status = stroemApi(Map.of("STROEM_URL", server), "status", jobId);
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("completed");
        assertThat(stroemApi(Map.of("STROEM_URL", server), "logs", jobId).out()).contains("HELLO, X!");
    }

    @Test
    void jsonInputKeepsItsTypesAndKeyValueInputsStillWork() {
        assertThat(TriggerCommand.parseInputs(java.util.List.of("{\"n\": 3, \"ok\": true}", "name=Ada")))
                .containsEntry("n", 3).containsEntry("ok", true).containsEntry("name", "Ada");
        Run bad = stroemApi(Map.of("STROEM_URL", server), "trigger", "hello-world", "--input", "{not json");
        assertThat(bad.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(bad.err()).contains("--input is not valid JSON").doesNotContain("Exception");
    }

    @Test
    void globalServerAndTokenGoBeforeTheSubcommandAndTheNearestSettingWins() {
        Run global = stroem(Map.of(), "--server", server, "jobs");
        assertThat(global.exit()).as(global.err()).isZero();

        Run apiGlobal = stroemApi(Map.of(), "--server", server, "--token", "ignored-by-an-open-server", "workspaces");
        assertThat(apiGlobal.exit()).as(apiGlobal.err()).isZero();
        assertThat(apiGlobal.out()).contains("default");

        // The option after the subcommand beats the global one, which beats the environment.
        Run nearest = stroem(Map.of("STROEM_URL", "http://127.0.0.1:1"), "--server", "http://127.0.0.1:1",
                "workspaces", "--server", server);
        assertThat(nearest.exit()).as(nearest.err()).isZero();
        Run fromGlobal = stroem(Map.of("STROEM_URL", "http://127.0.0.1:1"), "--server", server, "workspaces");
        assertThat(fromGlobal.exit()).as(fromGlobal.err()).isZero();
        Run oursFirst = stroem(Map.of("STROEM_SERVER", server, "STROEM_URL", "http://127.0.0.1:1"), "workspaces");
        assertThat(oursFirst.exit()).as(oursFirst.err()).isZero();
        Run unreachable = stroem(Map.of("STROEM_URL", "http://127.0.0.1:1"), "workspaces");
        assertThat(unreachable.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(unreachable.err()).contains("127.0.0.1:1");
    }

    @Test
    void theServersTasksAndWorkspacesAreListed() {
        Run all = stroemApi(Map.of("STROEM_URL", server), "tasks");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).contains("WORKSPACE", "default", "hello-world", "parallel-dag");
        Run one = stroemApi(Map.of("STROEM_URL", server), "tasks", "--workspace", "default");
        assertThat(one.out()).contains("hello-world");
        Run unknown = stroemApi(Map.of("STROEM_URL", server), "tasks", "--workspace", "nope");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(unknown.err()).contains("nope");

        Run workspaces = stroem(Map.of("STROEM_URL", server), "workspaces");
        assertThat(workspaces.out()).contains("WORKSPACE", "default", "ok");
    }

    @Test
    void localCommandsReadTheWorkspaceAtPathBeforeOrAfterTheSubcommand() {
        Run tasks = stroem(Map.of(), "--path", EXAMPLE.toString(), "tasks");
        assertThat(tasks.exit()).as(tasks.err()).isZero();
        assertThat(tasks.out()).contains("hello-world", "parallel-dag", "failing-with-hook");
        Run after = stroem(Map.of(), "tasks", "--path", EXAMPLE.resolve(".workflows").toString());
        assertThat(after.out()).isEqualTo(tasks.out());

        Run actions = stroem(Map.of(), "actions", "--path", EXAMPLE.toString());
        assertThat(actions.exit()).isZero();
        assertThat(actions.out()).contains("greet", "shout", "script");

        Run inspect = stroem(Map.of(), "--path", EXAMPLE.toString(), "inspect", "hello-world");
        assertThat(inspect.exit()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("Task: hello-world", "name", "World", "say-hello", "shout-it")
                .containsPattern("shout-it +shout +say-hello");
        Run unknown = stroem(Map.of(), "--path", EXAMPLE.toString(), "inspect", "nope");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(unknown.err()).contains("no task named \"nope\"");
        Run missing = stroem(Map.of(), "--path", "/no/such/workspace", "tasks");
        assertThat(missing.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(missing.err()).contains("/no/such/workspace");
    }

    @Test
    void triggersDeclaredInTheYamlAreListed(@TempDir Path ws) throws Exception {
        Files.createDirectories(ws.resolve(".workflows"));
        Files.writeString(ws.resolve(".workflows/t.yaml"), """
                triggers:
                  nightly:
                    type: scheduler
                    cron: "0 0 2 * * *"
                    task: backup
                  on-push:
                    type: webhook
                    task: deploy
                    enabled: false
                """);

        Run run = stroem(Map.of(), "triggers", "--path", ws.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("nightly +scheduler +backup +0 0 2 \\* \\* \\* +true")
                .containsPattern("on-push +webhook +deploy +false");
        assertThat(stroem(Map.of(), "triggers", "--path", EXAMPLE.toString()).out()).contains("No triggers");
    }

    @Test
    void runExecutesATaskLocallyWithOutputsFlowingAndExitsWithItsOutcome() {
        Run ok = stroem(Map.of(), "run", "hello-world", "--path", EXAMPLE.toString(), "--input", "{\"name\": \"Local\"}");

        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("[say-hello] Hello, Local!", "[shout-it] HELLO, LOCAL!");
        assertThat(ok.err()).contains("Task hello-world completed.");

        Run failed = stroem(Map.of(), "--path", EXAMPLE.toString(), "run", "failing-with-hook");
        assertThat(failed.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(failed.err()).contains("[fail] something went wrong", "failed");

        Run unknown = stroem(Map.of(), "--path", EXAMPLE.toString(), "run", "nope");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.ERROR);
    }

    @Test
    void validateTakesAFileOrAFolderAndDefaultsToPath(@TempDir Path elsewhere) throws Exception {
        Run folder = stroem(Map.of(), "--path", EXAMPLE.toString(), "validate");
        assertThat(folder.exit()).as(folder.out()).isZero();
        Run file = stroem(Map.of(), "validate", EXAMPLE.resolve(".workflows/hello-world.yaml").toString());
        assertThat(file.exit()).as(file.out()).isZero();

        Path broken = Files.writeString(elsewhere.resolve("broken.yaml"),
                "tasks:\n  t:\n    flow:\n      s:\n        action: missing-action\n");
        Run bad = stroem(Map.of(), "validate", broken.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).contains("missing-action");
    }
}
