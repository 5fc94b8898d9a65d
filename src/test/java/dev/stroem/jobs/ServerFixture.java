package dev.stroem.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.app.ServerApp;
import dev.stroem.config.ArchiveConfig;
import dev.stroem.config.DbConfig;
import dev.stroem.config.LogStorageConfig;
import dev.stroem.config.RecoveryConfig;
import dev.stroem.config.RetentionConfig;
import dev.stroem.config.ServerConfig;
import dev.stroem.config.WorkerConfig;
import dev.stroem.config.WorkspaceConfig;
import dev.stroem.worker.ShipperSettings;
import dev.stroem.worker.Worker;
import dev.stroem.worker.WorkerApiClient;
import dev.stroem.worker.WorkerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * A real server for end-to-end tests: {@link ServerApp} on a free port with its database, log
 * directory and workspace under a temporary directory, a {@link MutableClock}, HTTP helpers for
 * the public and worker APIs, and in-process {@link Worker}s. {@link #restart()} closes the
 * server and starts a new one on the same database and directories.
 */
final class ServerFixture implements AutoCloseable {
    static final String WORKER_TOKEN = "worker-secret";

    private static final WorkerOptions WORKER_OPTIONS = new WorkerOptions(Duration.ofSeconds(5), Duration.ofSeconds(5),
            Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMillis(50),
            Duration.ofMillis(500), new ShipperSettings(100, 256 * 1024, Duration.ofMillis(100), 4L * 1024 * 1024,
                    Duration.ofMillis(50), Duration.ofMillis(500)));

    final MutableClock clock = new MutableClock();
    final ObjectMapper json = new ObjectMapper();
    private final Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Worker> workers = new ArrayList<>();
    private String dbUrl;
    private ArchiveConfig archive;
    private RecoveryConfig recovery = new RecoveryConfig(null, 3600L, null);
    private RetentionConfig retention;
    private ServerApp app;
    private final Map<String, Path> otherWorkspaces = new java.util.LinkedHashMap<>();

    /** A server on SQLite under {@code dir}; nothing runs until {@link #start()}. */
    ServerFixture(Path dir) {
        this.dir = dir;
        this.dbUrl = "sqlite:" + dir.resolve("stroem.db");
        try {
            Files.createDirectories(workspace().resolve(".workflows"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ServerFixture withDatabase(String url) {
        this.dbUrl = url;
        return this;
    }

    ServerFixture withArchive(ArchiveConfig archive) {
        this.archive = archive;
        return this;
    }

    /** Recovery settings; by default sweeps are hourly so that only a test's own {@code sweepOnce} runs them. */
    ServerFixture withRecovery(RecoveryConfig recovery) {
        this.recovery = recovery;
        return this;
    }

    ServerFixture withRetention(RetentionConfig retention) {
        this.retention = retention;
        return this;
    }

    ServerFixture workflow(String file, String yaml) {
        try {
            Files.writeString(workspace().resolve(".workflows").resolve(file), yaml);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path workspace() {
        return dir.resolve("workspace");
    }

    /** A further workspace, configured after {@code default} in this order, with one workflow file. */
    ServerFixture withWorkspace(String name, String file, String yaml) {
        Path root = dir.resolve("workspace-" + name);
        try {
            Files.createDirectories(root.resolve(".workflows"));
            Files.writeString(root.resolve(".workflows").resolve(file), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        otherWorkspaces.put(name, root);
        return this;
    }

    Path logDir() {
        return dir.resolve("logs");
    }

    Path localArchiveDir() {
        return dir.resolve("archive");
    }

    /** A local-directory archive under the fixture's directory. */
    ArchiveConfig localArchive() {
        return new ArchiveConfig(ArchiveConfig.TYPE_LOCAL, null, null, "logs/", null, localArchiveDir().toString());
    }

    ServerFixture start() {
        var workspaces = new java.util.LinkedHashMap<String, WorkspaceConfig>();
        workspaces.put("default", new WorkspaceConfig(WorkspaceConfig.TYPE_FOLDER, workspace().toString()));
        otherWorkspaces.forEach((name, root) -> workspaces.put(name, new WorkspaceConfig(WorkspaceConfig.TYPE_FOLDER,
                root.toString())));
        var config = new ServerConfig("127.0.0.1:0", new DbConfig(dbUrl), WORKER_TOKEN,
                new LogStorageConfig(logDir().toString(), archive, null, null), workspaces,
                recovery, retention, null).withDefaults();
        app = ServerApp.start(config, dir, clock);
        return this;
    }

    /** Closes the server (workers first) and starts a new one on the same database and directories. */
    ServerFixture restart() {
        stopWorkers();
        app.close();
        return start();
    }

    ServerApp app() {
        return app;
    }

    String url() {
        return "http://127.0.0.1:" + app.port();
    }

    // --- workers -------------------------------------------------------------------------------

    /** Starts an in-process worker against this server. */
    Worker startWorker(String name) {
        var config = new WorkerConfig(url(), WORKER_TOKEN, name, 2, 1L, 1L, List.of("script"), List.of(),
                dir.resolve("work-" + name).toString(), dir.resolve("spool-" + name).toString(), 30L,
                WorkerConfig.DEFAULT_CLAIM_WAIT_SECS);
        var worker = new Worker(config, new WorkerApiClient(url(), WORKER_TOKEN, WORKER_OPTIONS.requestTimeout()),
                WORKER_OPTIONS);
        try {
            worker.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        workers.add(worker);
        return worker;
    }

    void stopWorkers() {
        for (var worker : workers) {
            try {
                worker.shutdown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        workers.clear();
    }

    // --- HTTP ----------------------------------------------------------------------------------

    HttpResponse<String> send(String method, String path, Object body, String token) {
        try {
            var builder = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30));
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            if (body == null) {
                builder.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                builder.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            }
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode get(String path) {
        return ok(send("GET", path, null, null));
    }

    JsonNode post(String path, Object body) {
        return ok(send("POST", path, body, null));
    }

    /** A worker API call with the worker token; answers the JSON body of a 200. */
    JsonNode worker(String path, Object body) {
        return ok(send("POST", path, body, WORKER_TOKEN));
    }

    private JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("%s %s: %s", response.request().method(), response.uri(), response.body())
                .isEqualTo(200);
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String execute(String task, Map<String, Object> input) {
        return post("/api/workspaces/default/tasks/" + task + "/execute", Map.of("input", input)).path("job_id").asText();
    }

    JsonNode job(String jobId) {
        return get("/api/jobs/" + jobId);
    }

    /** The job's log (or one step's) as JSONL lines, read through the public API. */
    List<JsonNode> logLines(String jobId, String step) {
        String path = step == null ? "/api/jobs/" + jobId + "/logs" : "/api/jobs/" + jobId + "/steps/"
                + URLEncoder.encode(step, StandardCharsets.UTF_8) + "/logs";
        String jsonl = get(path).path("logs").asText();
        var lines = new ArrayList<JsonNode>();
        for (String line : jsonl.split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(json.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return lines;
    }

    /** The {@code line} texts of the job's server events. */
    List<String> serverEvents(String jobId) {
        return logLines(jobId, "_server").stream().map(l -> l.path("line").asText()).toList();
    }

    JsonNode awaitJob(String jobId, Predicate<JsonNode> condition) {
        JsonNode[] last = {null};
        eventually().untilAsserted(() -> {
            last[0] = job(jobId);
            assertThat(condition.test(last[0])).as("job %s: %s", jobId, last[0]).isTrue();
        });
        return last[0];
    }

    JsonNode awaitStatus(String jobId, String status) {
        return awaitJob(jobId, j -> status.equals(j.path("status").asText()));
    }

    /** Waits until the job's log is archived at its latest generation. */
    JsonNode awaitArchivedUpToDate(String jobId) {
        return awaitJob(jobId, j -> "archived".equals(j.path("archive").path("state").asText())
                && j.path("archive").path("generation").asLong() == j.path("archive").path("archived_generation").asLong(-1));
    }

    static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
    }

    @Override
    public void close() {
        stopWorkers();
        if (app != null) {
            app.close();
        }
    }
}
