package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real processes: {@code stroem server} (SQLite, local archive, the example
 * workspace), a separate {@code stroem worker} process, and the CLI, each a {@code java -jar
 * target/stroem.jar} of its own.
 */
class ServerWorkerCliIT {

    private static final String TIME = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}";
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static final ObjectMapper json = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static int port;
    private static Path serverConfig;
    private static Process server;
    private static Process worker;

    @BeforeAll
    static void startServerAndWorker() throws Exception {
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path workspace = Path.of("examples/workspace").toAbsolutePath();
        serverConfig = Files.writeString(dir.resolve("server-config.yaml"), """
                listen: "127.0.0.1:%d"
                db:
                  url: "sqlite:%s"
                worker_token: it-worker-token
                log_storage:
                  local_dir: "%s"
                  archive:
                    type: local
                    path: "%s"
                workspaces:
                  default:
                    type: folder
                    path: "%s"
                """.formatted(port, dir.resolve("stroem.db"), dir.resolve("logs"), dir.resolve("archive"), workspace));
        Path workerConfig = Files.writeString(dir.resolve("worker-config.yaml"), """
                server_url: "http://127.0.0.1:%d"
                worker_token: it-worker-token
                worker_name: it-worker
                poll_interval_secs: 1
                shutdown_grace_secs: 1
                work_dir: "%s"
                """.formatted(port, dir.resolve("work")));
        startServer();
        worker = StroemProcess.start(dir, dir.resolve("worker.log"), Map.of(), "worker", "--config", workerConfig.toString());
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        if (worker != null) {
            StroemProcess.stop(worker, Duration.ofSeconds(30));
        }
        if (server != null) {
            StroemProcess.stop(server, Duration.ofSeconds(30));
        }
    }

    private static void startServer() throws IOException {
        server = StroemProcess.start(dir, dir.resolve("server.log"), Map.of(), "server", "--config", serverConfig.toString());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> get("/healthz").path("status").asText(), "ok"::equals);
    }

    private static StroemProcess.Result cli(String... args) throws Exception {
        return StroemProcess.run(dir, Map.of("STROEM_SERVER", "http://127.0.0.1:" + port), CLI_TIMEOUT, args);
    }

    private static String text(String path) throws IOException, InterruptedException {
        var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        return json.readTree(text(path));
    }

    private static String trigger(String... args) throws Exception {
        var all = new ArrayList<>(List.of("trigger"));
        all.addAll(List.of(args));
        var run = cli(all.toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.lines()).as(run.err()).hasSize(1);
        return run.out().strip();
    }

    private static void awaitStatus(String job, String status, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> get("/api/jobs/" + job).path("status").asText(), status::equals);
    }

    private static List<JsonNode> jsonl(String text) throws IOException {
        var lines = new ArrayList<JsonNode>();
        for (String line : text.lines().toList()) {
            lines.add(json.readTree(line));
        }
        return lines;
    }

    @Test
    void helloWorldCompletesAndItsLinesAreInTheCliTheApiAndTheArchive() throws Exception {
        String job = trigger("hello-world", "-i", "name=Ada");
        awaitStatus(job, "completed", Duration.ofSeconds(60));

        var logs = cli("logs", job);
        assertThat(logs.exit()).as(logs.err()).isZero();
        assertThat(logs.lines()).hasSize(3);
        assertThat(logs.lines().get(0)).matches(TIME + " say-hello \\| Hello, Ada!");
        assertThat(logs.lines().get(2)).matches(TIME + " shout-it \\| HELLO, ADA!");

        String apiLog = get("/api/jobs/" + job + "/logs").path("logs").asText();
        assertThat(jsonl(apiLog)).extracting(l -> l.path("step").asText() + ": " + l.path("line").asText())
                .containsExactly("say-hello: Hello, Ada!", "say-hello: OUTPUT: {\"greeting\": \"Hello, Ada!\"}",
                        "shout-it: HELLO, ADA!");

        var status = cli("status", job);
        assertThat(status.exit()).isZero();
        assertThat(status.out()).containsPattern("shout-it +completed +0 ");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/api/jobs/" + job).path("archive").path("state").asText(), "archived"::equals);
        String key = get("/api/jobs/" + job).path("archive").path("key").asText();
        Path object = dir.resolve("archive").resolve(key);
        assertThat(object).exists();
        String archived;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(object))) {
            archived = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(archived).isEqualTo(apiLog);
    }

    @Test
    void aServerKilledWithSigkillWhileChattyRunsLosesAndRepeatsNoLine() throws Exception {
        String job = trigger("chatty");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> get("/api/jobs/" + job + "/logs").path("logs").asText().lines().count() >= 40);
        // A follower that lives through the crash: it must reconnect and print every line exactly once.
        var follower = StroemProcess.launch(dir, Map.of("STROEM_SERVER", "http://127.0.0.1:" + port),
                "logs", job, "--follow", "--json");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.readString(follower.out()).lines().count() >= 50);

        server.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no flush, no goodbye
        startServer();
        awaitStatus(job, "completed", Duration.ofSeconds(90));

        List<JsonNode> lines = jsonl(text("/api/jobs/" + job + "/steps/talk/logs?full=true"));
        List<String> stdout = lines.stream().filter(l -> l.path("stream").asText().equals("stdout"))
                .map(l -> l.path("line").asText()).toList();
        List<String> stderr = lines.stream().filter(l -> l.path("stream").asText().equals("stderr"))
                .map(l -> l.path("line").asText()).toList();
        assertThat(stdout).containsExactlyElementsOf(IntStream.rangeClosed(1, 300).filter(i -> i % 7 != 0)
                .mapToObj(i -> "line " + i + " of 300").toList());
        assertThat(stderr).containsExactlyElementsOf(IntStream.rangeClosed(1, 300).filter(i -> i % 7 == 0)
                .mapToObj(i -> "line " + i + " of 300 (stderr)").toList());

        var followed = follower.await(Duration.ofSeconds(60));
        assertThat(followed.exit()).as(followed.err()).isZero();
        assertThat(followed.err()).contains("reconnect", "Job " + job + " completed.");
        assertThat(jsonl(followed.out())).isEqualTo(jsonl(text("/api/jobs/" + job + "/logs?full=true")));

        var cliLog = cli("logs", job, "--step", "talk", "--json");
        assertThat(cliLog.exit()).as(cliLog.err()).isZero();
        assertThat(jsonl(cliLog.out())).isEqualTo(lines);
    }

    @Test
    void triggerFollowPrintsTheLogLiveAndExitsWithTheJobsOutcome() throws Exception {
        var completed = cli("trigger", "hello-world", "-i", "name=Live", "--follow");
        assertThat(completed.exit()).as(completed.err()).isZero();
        assertThat(completed.lines()).hasSize(3);
        assertThat(completed.lines().get(0)).matches(TIME + " say-hello \\| Hello, Live!");
        assertThat(completed.lines().get(2)).matches(TIME + " shout-it \\| HELLO, LIVE!");
        assertThat(completed.err()).containsPattern("Job [0-9a-f-]+ completed\\.");

        var failed = cli("trigger", "failing-with-hook", "--follow");
        assertThat(failed.exit()).as(failed.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(failed.lines()).anyMatch(l -> l.matches(TIME + " fail ! something went wrong"));
        assertThat(failed.err()).containsPattern("Job [0-9a-f-]+ failed\\.");
    }

    @Test
    void cliErrorsAreOneSentenceOnStderrWithANonZeroExit() throws Exception {
        var unknown = cli("status", "00000000-0000-0000-0000-000000000000");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err()).isEqualTo("stroem status: no job with id 00000000-0000-0000-0000-000000000000.\n");

        var badInput = cli("trigger", "hello-world", "-i", "name");
        assertThat(badInput.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(badInput.err()).isEqualTo("stroem trigger: -i expects KEY=VALUE, such as -i name=World, not \"name\".\n");

        int closed;
        try (var socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        var down = cli("logs", "some-job", "--server", "http://127.0.0.1:" + closed);
        assertThat(down.exit()).isEqualTo(ExitCodes.ERROR);
        assertThat(down.out()).isEmpty();
        assertThat(down.err()).isEqualTo("stroem logs: cannot reach the Strøm server at http://127.0.0.1:" + closed
                + ": connection refused.\n");
    }
}
