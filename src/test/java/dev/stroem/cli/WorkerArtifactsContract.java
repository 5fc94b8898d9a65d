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
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step's {@code $ARTIFACTS_DIR} end to end: a real {@code stroem server} process and a real
 * {@code stroem worker} process (one each for the whole class), the step's files uploaded by the
 * worker after the step succeeded and read back as a user does (list, download, {@code Range}).
 * Subclasses give the database and the artifact backend (local directory, S3).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WorkerArtifactsContract {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
    static final long MiB = 1024 * 1024;
    /** Big enough for the 200 MiB file, smaller than the "huge" one. */
    static final long MAX_FILE = 210 * MiB;
    static final long MAX_JOB = 215 * MiB;
    static final long LARGE = 200 * MiB;
    /** The large file is this line repeated, so any range of it can be computed. */
    static final String PATTERN = "0123456789abcdef\n";

    static final String WORKFLOWS = """
            tasks:
              produce:
                flow:
                  make:
                    type: script
                    script: |
                      cd "$ARTIFACTS_DIR"
                      mkdir -p reports data/deep/nested
                      echo '<h1>Q1</h1>' > reports/q1.html
                      echo 'all good' > status.txt
                      echo '{"ok": true}' > data/result.json
                      printf 'a,b\\n1,2\\n' > data/deep/nested/table.csv
                      echo 'a build log line' > build.log
                      echo 'key=value' > .config
                      : > empty.txt
                      ln -s /etc/passwd passwd-link
                      ln -s / root-link
                      touch "$(printf 'tab\\there.txt')"
                      touch notes..txt
                      echo written
              large:
                flow:
                  make-large:
                    type: script
                    timeout: 10m
                    script: |
                      mkdir -p "$ARTIFACTS_DIR/big"
                      yes 0123456789abcdef | head -c %d > "$ARTIFACTS_DIR/big/blob.bin"
                      echo "OUTPUT: {\\"sha256\\": \\"$(sha256sum "$ARTIFACTS_DIR/big/blob.bin" | cut -d' ' -f1)\\"}"
              oversize:
                flow:
                  make-oversize:
                    type: script
                    script: |
                      echo small > "$ARTIFACTS_DIR/a-small.txt"
                      # Sparse: a file of this size without writing its bytes.
                      truncate -s %d "$ARTIFACTS_DIR/z-huge.bin"
              fails:
                flow:
                  fail-after-writing:
                    type: script
                    script: |
                      echo partial > "$ARTIFACTS_DIR/partial.txt"
                      exit 3
              cancelled:
                flow:
                  wait-for-cancel:
                    type: script
                    script: |
                      echo 'never kept' > "$ARTIFACTS_DIR/unfinished.txt"
                      echo written
                      sleep 300
              small:
                flow:
                  one-file:
                    type: script
                    script: echo 'one small file' > "$ARTIFACTS_DIR/small.txt"
            """.formatted(LARGE, MAX_FILE + MiB);

    @TempDir
    static Path dir;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    int port;
    private Process server;
    private Process worker;

    /** The server's {@code db.url}. */
    abstract String databaseUrl();

    /** The {@code artifact_storage} section and, when needed, {@code log_storage.archive}. */
    abstract String storageYaml();

    /** Environment of the server process (credentials of a backend). */
    Map<String, String> serverEnvironment() {
        return Map.of();
    }

    /** The size of the object the backend holds for this artifact, or -1 when there is none. */
    abstract long storedSize(String jobId, String step, String name);

    /** Releases what the subclass made, once the processes stopped. */
    void afterProcessesStopped() {}

    @BeforeAll
    void startServerAndWorker() throws Exception {
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path workspace = Files.createDirectories(dir.resolve("workspace/.workflows"));
        Files.writeString(workspace.resolve("artifacts.yaml"), WORKFLOWS);
        Path serverConfig = Files.writeString(dir.resolve("server.yaml"), """
                listen: "127.0.0.1:%d"
                db:
                  url: "%s"
                worker_token: artifacts-token
                workspaces:
                  default:
                    type: folder
                    path: "%s"
                """.formatted(port, databaseUrl(), dir.resolve("workspace")) + storageYaml());
        Path workerConfig = Files.writeString(dir.resolve("worker.yaml"), """
                server_url: "http://127.0.0.1:%d"
                worker_token: artifacts-token
                worker_name: artifacts-worker
                work_dir: "%s"
                shutdown_grace_secs: 1
                """.formatted(port, dir.resolve("work")));
        server = StroemProcess.start(dir, dir.resolve("server.log"), serverEnvironment(), "server", "--config",
                serverConfig.toString());
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

    @Test
    void aSuccessfulStepsFilesAreUploadedWithTheirFolderNamesAndTypes() throws Exception {
        String job = execute("produce");
        JsonNode done = awaitEnd(job);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");

        JsonNode list = get("/api/jobs/" + job + "/artifacts");
        assertThat(list.findValuesAsText("name")).containsExactly(".config", "build.log", "data/deep/nested/table.csv",
                "data/result.json", "empty.txt", "reports/q1.html", "status.txt");
        assertThat(list.findValuesAsText("step_name")).containsOnly("make");
        assertThat(typesByName(list)).containsExactly(
                ".config=text/plain", "build.log=text/plain", "data/deep/nested/table.csv=text/csv",
                "data/result.json=application/json", "empty.txt=text/plain",
                "reports/q1.html=text/html", "status.txt=text/plain");

        assertThat(download(job, "data/deep/nested/table.csv").body()).isEqualTo("a,b\n1,2\n");
        var html = download(job, "reports/q1.html");
        assertThat(html.body()).isEqualTo("<h1>Q1</h1>\n");
        assertThat(html.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
        assertThat(download(job, "empty.txt").body()).isEmpty();
        assertThat(storedSize(job, "make", "status.txt")).isEqualTo(9);

        assertThat(lines(job)).contains(
                "make: written",
                "make: [worker] artifact \"passwd-link\" is a symbolic link: skipped (links are never followed)",
                "make: [worker] artifact \"root-link\" is a symbolic link: skipped (links are never followed)",
                "make: [worker] artifact \"tab\\x09here.txt\" skipped: its name contains a control character",
                "make: [worker] artifact \"notes..txt\" skipped: its name contains \"..\"",
                "make: [worker] uploaded 7 artifact files (69 bytes)");
        assertNoStepFolderLeft();
    }

    @Test
    void a200MiBFileIsUploadedWholeAndServedWithRanges() throws Exception {
        String job = execute("large");
        JsonNode done = awaitEnd(job);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
        String sha256 = step(done, "make-large").path("output").path("sha256").asText();

        JsonNode artifact = get("/api/jobs/" + job + "/artifacts").get(0);
        assertThat(artifact.path("name").asText()).isEqualTo("big/blob.bin");
        assertThat(artifact.path("size_bytes").asLong()).isEqualTo(LARGE);
        assertThat(storedSize(job, "make-large", "big/blob.bin")).isEqualTo(LARGE);

        long from = 123_456_789;
        var range = send(request("/api/jobs/" + job + "/artifacts/big/blob.bin")
                .header("Range", "bytes=" + from + "-" + (from + 39)).build());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(expected(from, 40));
        assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes " + from + "-" + (from + 39) + "/" + LARGE);
        var tail = send(request("/api/jobs/" + job + "/artifacts/big/blob.bin").header("Range", "bytes=-20").build());
        assertThat(tail.body()).isEqualTo(expected(LARGE - 20, 20));

        var whole = http.send(request("/api/jobs/" + job + "/artifacts/big/blob.bin").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Length")).hasValue(String.valueOf(LARGE));
        assertThat(sha256Of(whole.body())).isEqualTo(sha256);
    }

    @Test
    void aFileOverMaxFileBytesFailsTheStepNamingItAndNothingIsKept() throws Exception {
        String job = execute("oversize");
        JsonNode done = awaitEnd(job);

        assertThat(done.path("status").asText()).isEqualTo("failed");
        String error = step(done, "make-oversize").path("error_message").asText();
        assertThat(error).contains("z-huge.bin").contains("max_file_bytes");
        assertThat(get("/api/jobs/" + job + "/artifacts")).isEmpty();
        assertThat(storedSize(job, "make-oversize", "a-small.txt")).as("uploaded before the refusal, then deleted")
                .isEqualTo(-1);
        assertThat(storedSize(job, "make-oversize", "z-huge.bin")).isEqualTo(-1);
        assertNoStepFolderLeft();
    }

    @Test
    void aFailedStepDiscardsItsFiles() throws Exception {
        String job = execute("fails");
        JsonNode done = awaitEnd(job);

        assertThat(done.path("status").asText()).isEqualTo("failed");
        assertThat(step(done, "fail-after-writing").path("error_message").asText()).startsWith("Exit code: 3");
        assertThat(get("/api/jobs/" + job + "/artifacts")).isEmpty();
        assertThat(storedSize(job, "fail-after-writing", "partial.txt")).isEqualTo(-1);
        assertThat(lines(job)).contains("fail-after-writing: [worker] the step did not succeed: 1 artifact file discarded");
        assertNoStepFolderLeft();
    }

    @Test
    void aCancelledStepDiscardsItsFiles() throws Exception {
        String job = execute("cancelled");
        await().atMost(JOB_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> lines(job).contains("wait-for-cancel: written"));
        var cancel = send(request("/api/jobs/" + job + "/cancel").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);

        assertThat(awaitEnd(job).path("status").asText()).isEqualTo("cancelled");
        // The worker notices the cancellation, kills the script and discards its folder.
        assertNoStepFolderLeft();
        assertThat(get("/api/jobs/" + job + "/artifacts")).isEmpty();
        assertThat(storedSize(job, "wait-for-cancel", "unfinished.txt")).isEqualTo(-1);
    }

    // --- helpers ---------------------------------------------------------------------------

    /** The bytes at {@code offset} of the large file. */
    static String expected(long offset, int length) {
        var out = new StringBuilder(length);
        for (long i = offset; i < offset + length; i++) {
            out.append(PATTERN.charAt((int) (i % PATTERN.length())));
        }
        return out.toString();
    }

    static String sha256Of(InputStream in) throws Exception {
        var digest = MessageDigest.getInstance("SHA-256");
        try (var digesting = new DigestInputStream(in, digest)) {
            digesting.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static List<String> typesByName(JsonNode list) {
        var out = new ArrayList<String>();
        list.forEach(a -> out.add(a.path("name").asText() + "=" + a.path("content_type").asText()));
        return out;
    }

    /**
     * Every step ran in a folder of its own below the work dir; nothing of it is left once its job
     * ended: no file, no checkout — at most the empty folders the worker keeps for the next step.
     */
    void assertNoStepFolderLeft() throws IOException {
        Path steps = dir.resolve("work/steps");
        if (Files.exists(steps)) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (Stream<Path> left = Files.walk(steps)) {
                    assertThat(left.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            || p.getFileName().toString().equals("workspace"))).isEmpty();
                }
            });
        }
    }

    String execute(String task) throws Exception {
        var response = http.send(request("/api/workspaces/default/tasks/" + task + "/execute")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\": {}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("job_id").asText();
    }

    JsonNode awaitEnd(String job) {
        await().atMost(JOB_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> List.of("completed", "failed", "cancelled").contains(get("/api/jobs/" + job).path("status").asText()));
        return uncheckedGet("/api/jobs/" + job);
    }

    static JsonNode step(JsonNode job, String name) {
        for (JsonNode s : job.path("steps")) {
            if (name.equals(s.path("step_name").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + job);
    }

    /** The job's log as "step: line". */
    List<String> lines(String job) throws Exception {
        var out = new ArrayList<String>();
        for (String line : get("/api/jobs/" + job + "/logs").path("logs").asText().lines().toList()) {
            JsonNode l = JSON.readTree(line);
            out.add(l.path("step").asText() + ": " + l.path("line").asText());
        }
        return out;
    }

    HttpResponse<String> download(String job, String name) throws Exception {
        var response = send(request("/api/jobs/" + job + "/artifacts/" + name).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    JsonNode uncheckedGet(String path) {
        try {
            return get(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        var response = send(request(path).build());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
