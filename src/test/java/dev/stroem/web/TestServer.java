package dev.stroem.web;

import dev.stroem.app.ServerApp;
import dev.stroem.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real {@link ServerApp} for API tests: listens on a free loopback port, reads a config file
 * written into a temp folder (workspaces with {@link TestWorkflows}, logs under {@code logs/},
 * the given database) and can be restarted on the same folders and database.
 */
public final class TestServer implements AutoCloseable {
    public static final String WORKER_TOKEN = "test-worker-token";

    private final Path dir;
    private final Path configFile;
    private ServerApp app;

    private TestServer(Path dir, Path configFile) {
        this.dir = dir;
        this.configFile = configFile;
    }

    /** Options of the config file; every field has the default a test needs most. */
    public static final class Config {
        private final Path dir;
        private final String dbUrl;
        private final List<String> apiTokens = new ArrayList<>();
        private Long tailDefaultBytes;
        private Path archiveDir;
        private String listen = "127.0.0.1:0";
        private final StringBuilder extraYaml = new StringBuilder();

        private Config(Path dir, String dbUrl) {
            this.dir = dir;
            this.dbUrl = dbUrl;
        }

        public Config apiTokens(String... tokens) {
            apiTokens.addAll(List.of(tokens));
            return this;
        }

        /** Further top-level sections, as YAML text (e.g. a whole {@code auth:} or {@code acl:} block). */
        public Config yaml(String topLevelSections) {
            extraYaml.append(topLevelSections).append('\n');
            return this;
        }

        public Config tailDefaultBytes(long bytes) {
            tailDefaultBytes = bytes;
            return this;
        }

        public Config listen(String hostPort) {
            listen = hostPort;
            return this;
        }

        public Config localArchive(Path path) {
            archiveDir = path;
            return this;
        }

        /** Writes the workspaces and the config file and starts the server. */
        public TestServer start() {
            var server = new TestServer(dir, write());
            server.startApp();
            return server;
        }

        /** Writes the workspaces and the config file only (for a server in another process); returns the file. */
        public Path write() {
            try {
                TestWorkflows.write(dir.resolve("workspaces"));
                var yaml = new StringBuilder();
                yaml.append("listen: \"").append(listen).append("\"\n");
                yaml.append("db:\n  url: \"").append(dbUrl).append("\"\n");
                yaml.append("worker_token: \"").append(WORKER_TOKEN).append("\"\n");
                yaml.append("log_storage:\n  local_dir: \"").append(dir.resolve("logs")).append("\"\n");
                if (tailDefaultBytes != null) {
                    yaml.append("  read:\n    tail_default_bytes: ").append(tailDefaultBytes).append('\n');
                }
                if (archiveDir != null) {
                    yaml.append("  archive:\n    type: local\n    path: \"").append(archiveDir).append("\"\n");
                }
                yaml.append("workspaces:\n");
                for (String ws : TestWorkflows.WORKSPACES) {
                    yaml.append("  ").append(ws).append(":\n    type: folder\n    path: workspaces/").append(ws).append('\n');
                }
                if (!apiTokens.isEmpty()) {
                    yaml.append("auth:\n  api_tokens:\n");
                    apiTokens.forEach(t -> yaml.append("    - \"").append(t).append("\"\n"));
                }
                yaml.append(extraYaml);
                return Files.writeString(dir.resolve("server-config.yaml"), yaml);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A server in {@code dir} on the database {@code dbUrl} ({@code sqlite:…} or {@code postgres://…}). */
    public static Config in(Path dir, String dbUrl) {
        return new Config(dir, dbUrl);
    }

    private void startApp() {
        var config = new ConfigLoader().loadServer(configFile, Map.of());
        app = ServerApp.start(config, configFile.getParent());
    }

    /** Stops the server and starts it again on the same config, folders and database. */
    public void restart() {
        int port = app.port();
        app.close();
        try {
            // Same port: workers and clients of the test keep their URL, as they would in production.
            Files.writeString(configFile, Files.readString(configFile)
                    .replace("listen: \"127.0.0.1:0\"", "listen: \"127.0.0.1:" + port + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startApp();
    }

    public String url() {
        return "http://127.0.0.1:" + app.port();
    }

    /** A client of the public API (no token). */
    public HttpTestClient api() {
        return new HttpTestClient(url(), null);
    }

    /** A client of the worker API with the worker token. */
    public WorkerCalls worker() {
        return new WorkerCalls(new HttpTestClient(url(), WORKER_TOKEN));
    }

    public Path dir() {
        return dir;
    }

    /** The running server's job store, for a test that must create what the API cannot (an old job). */
    public dev.stroem.jobs.store.JobStore jobs() {
        return app.jobs();
    }

    public Path logDir() {
        return dir.resolve("logs");
    }

    public Path workspaceDir(String workspace) {
        return dir.resolve("workspaces").resolve(workspace);
    }

    @Override
    public void close() {
        app.close();
    }
}
