package dev.stroem.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.app.ServerApp;
import dev.stroem.config.DbConfig;
import dev.stroem.config.LogStorageConfig;
import dev.stroem.config.RecoveryConfig;
import dev.stroem.config.ServerConfig;
import dev.stroem.config.WorkspaceConfig;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.store.JobFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A real server (database, catalog, orchestrator, web) for trigger tests, on a {@link SettableClock}:
 * a test sets the time and runs a scheduler round itself. The server's own scheduler thread runs
 * too, on the same clock; it can only do what the test's round would do, and a slot fires once
 * whoever gets there first.
 */
final class TriggerServer implements AutoCloseable {
    static final String WORKER_TOKEN = "worker-secret";

    final SettableClock clock;
    final ObjectMapper json = new ObjectMapper();
    private final Path dir;
    private final String dbUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ServerApp app;

    TriggerServer(Path dir, String dbUrl, SettableClock clock) {
        this.dir = dir;
        this.dbUrl = dbUrl;
        this.clock = clock;
        try {
            Files.createDirectories(workspace().resolve(".workflows"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path workspace() {
        return dir.resolve("workspace");
    }

    TriggerServer workflow(String yaml) {
        try {
            Files.writeString(workspace().resolve(".workflows").resolve("main.yaml"), yaml);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TriggerServer start() {
        var config = new ServerConfig("127.0.0.1:0", new DbConfig(dbUrl), WORKER_TOKEN,
                new LogStorageConfig(dir.resolve("logs").toString(), null, null, null),
                Map.of("default", new WorkspaceConfig(WorkspaceConfig.TYPE_FOLDER, workspace().toString())),
                new RecoveryConfig(null, 3600L, null), null, null).withDefaults();
        app = ServerApp.start(config, dir, clock);
        return this;
    }

    /** Stops the server and starts a new one on the same database and files (a restart or a deploy). */
    TriggerServer restart() {
        app.close();
        return start();
    }

    void stop() {
        if (app != null) {
            app.close();
            app = null;
        }
    }

    ServerApp app() {
        return app;
    }

    /** One scheduler round at the clock's current time. */
    void tick() {
        app.scheduler().tick();
    }

    /** Moves the clock to {@code instant}, then runs one scheduler round. */
    void tickAt(String instant) {
        clock.set(instant);
        tick();
    }

    /** All jobs, oldest first. */
    List<Job> jobs() {
        return app.jobs().listJobs(new JobFilter(null, null, null), 1000, 0).items().stream()
                .sorted(Comparator.comparing(Job::createdAt).thenComparing(Job::jobId))
                .toList();
    }

    List<Instant> jobTimes() {
        return jobs().stream().map(Job::createdAt).toList();
    }

    HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode getJson(String path) {
        try {
            return json.readTree(get(path).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
