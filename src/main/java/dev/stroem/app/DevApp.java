package dev.stroem.app;

import dev.stroem.config.ArchiveConfig;
import dev.stroem.config.DbConfig;
import dev.stroem.config.LogStorageConfig;
import dev.stroem.config.ServerConfig;
import dev.stroem.config.WorkerConfig;
import dev.stroem.config.WorkspaceConfig;
import dev.stroem.worker.Worker;
import dev.stroem.worker.WorkerApiClient;
import dev.stroem.worker.WorkerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stroem dev}: a server on embedded defaults plus a worker inside the same process, talking
 * to it over HTTP with a token generated per run. Everything the server keeps lives in one data
 * directory ({@code ./.stroem/} by default): {@code stroem.db} (SQLite), {@code logs/} (the live
 * logs), {@code archive/} (the local archive) and {@code worker/} (the worker's step directories
 * and its spool). {@link #close()} stops the worker first (its steps are stopped and reported),
 * then the server.
 */
public final class DevApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevApp.class);

    /** The name the workspace is served under, so {@code stroem trigger TASK} needs no {@code -w}. */
    public static final String WORKSPACE_NAME = "default";

    /**
     * @param dataDir where the database, logs, archive and worker files live (created when missing)
     * @param workspace the workspace folder (holding {@code .workflows/})
     * @param port the port on 127.0.0.1; 0 picks a free one
     */
    public record Settings(Path dataDir, Path workspace, int port) {}

    private final ServerApp server;
    private final Worker worker;
    private final Path dataDir;

    private DevApp(ServerApp server, Worker worker, Path dataDir) {
        this.server = server;
        this.worker = worker;
        this.dataDir = dataDir;
    }

    /**
     * Starts the server, then the embedded worker.
     *
     * @throws PortInUseException when the port is taken (nothing is left running then)
     * @throws IOException when the data directory cannot be created or the worker cannot start
     */
    public static DevApp start(Settings settings) throws IOException {
        Path data = settings.dataDir().toAbsolutePath().normalize();
        Path logs = Files.createDirectories(data.resolve("logs"));
        Path archive = Files.createDirectories(data.resolve("archive"));
        Path work = Files.createDirectories(data.resolve("worker"));
        String workerToken = randomToken();

        var config = new ServerConfig("127.0.0.1:" + settings.port(),
                new DbConfig("sqlite:" + data.resolve("stroem.db")),
                workerToken,
                new LogStorageConfig(logs.toString(),
                        new ArchiveConfig(ArchiveConfig.TYPE_LOCAL, null, null, "", null, archive.toString()), null, null),
                Map.of(WORKSPACE_NAME, new WorkspaceConfig(WorkspaceConfig.TYPE_FOLDER,
                        settings.workspace().toAbsolutePath().normalize().toString())),
                null, null, null).withDefaults();
        ServerApp server = ServerApp.start(config, data);

        String url = "http://127.0.0.1:" + server.port();
        var workerConfig = new WorkerConfig(url, workerToken, "dev-worker", WorkerConfig.DEFAULT_MAX_CONCURRENT, 1L,
                WorkerConfig.DEFAULT_HEARTBEAT_INTERVAL_SECS, List.of("script"), List.of(), work.toString(),
                work.resolve("spool").toString(), 2L, null).withDefaults();
        // A developer pressing Ctrl-C wants the prompt back soon: running steps get 2 s, then are stopped.
        var options = WorkerOptions.defaults()
                .withShutdownGrace(Duration.ofSeconds(workerConfig.shutdownGraceSecs()))
                .withShutdownShipTimeout(Duration.ofSeconds(5));
        var worker = new Worker(workerConfig, new WorkerApiClient(url, workerToken, options.requestTimeout()), options);
        try {
            worker.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return new DevApp(server, worker, data);
    }

    /** The port the server listens on (on 127.0.0.1). */
    public int port() {
        return server.port();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the embedded worker (its running steps get their grace, then are stopped and reported), then the server. */
    @Override
    public void close() {
        try {
            worker.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Interrupted while stopping the embedded worker");
        } finally {
            server.close();
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
