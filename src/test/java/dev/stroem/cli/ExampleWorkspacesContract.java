package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example workspace {@code examples/ops} (what a team moving from the original runs: scripts
 * from workspace files, Python and JavaScript steps, a crash reported by a hook) end to end with a
 * real {@code stroem server} process and a real {@code stroem worker} process, which downloads the
 * workspace and runs each step in its checkout. Subclasses give the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ExampleWorkspacesContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private int port;
    private Process server;
    private Process worker;

    /** The server's {@code db.url}. */
    abstract String databaseUrl();

    @BeforeAll
    void startServerAndWorker() throws Exception {
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path serverConfig = Files.writeString(dir.resolve("server.yaml"), """
                listen: "127.0.0.1:%d"
                db:
                  url: "%s"
                worker_token: examples-token
                log_storage:
                  local_dir: "%s"
                workspaces:
                  ops:
                    type: folder
                    path: "%s"
                  shared:
                    type: folder
                    path: "%s"
                """.formatted(port, databaseUrl(), dir.resolve("logs"), Path.of("examples/ops").toAbsolutePath(),
                Path.of("examples/shared").toAbsolutePath()));
        Path workerConfig = Files.writeString(dir.resolve("worker.yaml"), """
                server_url: "http://127.0.0.1:%d"
                worker_token: examples-token
                worker_name: examples-worker
                work_dir: "%s"
                shutdown_grace_secs: 1
                """.formatted(port, dir.resolve("work")));
        server = StroemProcess.start(dir, dir.resolve("server.log"), Map.of(), "server", "--config", serverConfig.toString());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> get("/healthz").path("status").asText(), "ok"::equals);
        worker = StroemProcess.start(dir, dir.resolve("worker.log"), Map.of(), "worker", "--config", workerConfig.toString());
    }

    @AfterAll
    void stopAll() throws InterruptedException {
        if (worker != null) {
            StroemProcess.stop(worker, Duration.ofSeconds(30));
        }
        if (server != null) {
            StroemProcess.stop(server, Duration.ofSeconds(30));
        }
        afterProcessesStopped();
    }

    /** Releases what {@link #databaseUrl()} made, once nothing uses it any more. */
    void afterProcessesStopped() {}

    @Test
    void theDeployPipelineRunsItsScriptFilesInTheCheckoutAndPassesOutputsOn() throws Exception {
        String job = execute("deploy-pipeline", "{\"environment\": \"production\", \"version\": \"2.1.0\"}");
        JsonNode done = awaitEnd(job);

        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("revision").asText()).as("the job records its workspace revision").isNotBlank();
        assertThat(step(done, "build").path("output").path("artifact").asText()).isEqualTo("app-2.1.0.tar.gz");
        assertThat(step(done, "deploy").path("output").path("url").asText()).isEqualTo("https://production.example.com");
        assertThat(step(done, "health-check").path("output").path("healthy").asBoolean()).isTrue();
        assertThat(lines(job)).contains(
                "build: Building version 2.1.0 (Faster logs for everyone)",
                "deploy: Deploying app-2.1.0.tar.gz to production",
                "health-check: https://production.example.com: healthy");
    }

    @Test
    void anEnvironmentOutsideTheOptionsIsRefusedAndNoJobIsCreated() throws Exception {
        int before = get("/api/jobs?workspace=ops").path("total").asInt();

        var refused = post("/api/workspaces/ops/tasks/deploy-pipeline/execute", "{\"input\": {\"environment\": \"qa\"}}");

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("error").asText()).contains("environment");
        assertThat(get("/api/jobs?workspace=ops").path("total").asInt()).isEqualTo(before);
    }

    @Test
    void aPythonCrashCarriesItsTracebackIntoTheJobAndTheOnErrorHook() throws Exception {
        String job = execute("python-crash", "{}");
        JsonNode done = awaitEnd(job);

        assertThat(done.path("status").asText()).isEqualTo("failed");
        String error = step(done, "crash").path("error_message").asText();
        assertThat(error).startsWith("Exit code: 1").contains("KeyError: 'missing_key'");
        assertThat(lines(job)).contains("crash: loading settings");

        JsonNode hook = awaitHookJob(job);
        assertThat(hook.path("status").asText()).as(hook.toString()).isEqualTo("completed");
        assertThat(lines(hook.path("job_id").asText()))
                .contains("report-failure: Task python-crash failed:")
                .anySatisfy(line -> assertThat(line).contains("KeyError: 'missing_key'"));
    }

    @Test
    void theDataPipelineRunsPythonThenJavaScriptThenShell() throws Exception {
        String job = execute("data-pipeline", "{}");
        JsonNode done = awaitEnd(job);

        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(step(done, "extract").path("output").path("total").asInt()).isEqualTo(300);
        assertThat(step(done, "transform").path("output").path("average").asInt()).isEqualTo(100);
        assertThat(lines(job)).containsSubsequence(
                "extract: extracted 3 orders", "transform: average order: 100", "load: loaded: average order 100");
    }

    @Test
    void aStepRunningAnotherWorkspacesActionReadsThatWorkspacesFiles() throws Exception {
        String job = execute("read-shared", "{}");
        JsonNode done = awaitEnd(job);

        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("workspace").asText()).as("the job stays in the calling workspace").isEqualTo("ops");
        assertThat(lines(job)).containsExactly("read: from the shared workspace: marker 42");
    }

    // --- helpers ---------------------------------------------------------------------------

    private String execute(String task, String input) throws Exception {
        var response = post("/api/workspaces/ops/tasks/" + task + "/execute", "{\"input\": " + input + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("job_id").asText();
    }

    private JsonNode awaitEnd(String job) {
        await().atMost(JOB_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> List.of("completed", "failed", "cancelled").contains(get("/api/jobs/" + job).path("status").asText()));
        return uncheckedGet("/api/jobs/" + job);
    }

    /** The hook job the job's end started, once it ended. */
    private JsonNode awaitHookJob(String job) {
        await().atMost(JOB_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            JsonNode hook = hookJob(job);
            return hook != null && List.of("completed", "failed").contains(hook.path("status").asText());
        });
        return hookJob(job);
    }

    private JsonNode hookJob(String job) {
        for (JsonNode j : uncheckedGet("/api/jobs?workspace=ops&limit=100").path("items")) {
            if ("hook".equals(j.path("source_type").asText()) && j.path("source_id").asText().contains(job)) {
                return uncheckedGet("/api/jobs/" + j.path("job_id").asText());
            }
        }
        return null;
    }

    private static JsonNode step(JsonNode job, String name) {
        for (JsonNode s : job.path("steps")) {
            if (name.equals(s.path("step_name").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + job);
    }

    /** The job's log as "step: line". */
    private List<String> lines(String job) throws Exception {
        var out = new ArrayList<String>();
        for (String line : get("/api/jobs/" + job + "/logs").path("logs").asText().lines().toList()) {
            JsonNode l = JSON.readTree(line);
            out.add(l.path("step").asText() + ": " + l.path("line").asText());
        }
        return out;
    }

    private JsonNode uncheckedGet(String path) {
        try {
            return get(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
