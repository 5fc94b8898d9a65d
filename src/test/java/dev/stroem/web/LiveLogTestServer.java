package dev.stroem.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stroem.app.ServerApp;
import dev.stroem.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@link ServerApp} for the live log stream tests: a config file in a temp folder (SQLite,
 * local logs, optionally a local archive, API tokens and short stream timeouts), a workspace with
 * the tasks the tests run, and the HTTP calls the tests make as users and as a worker. It can be
 * restarted on the same folders and database.
 */
final class LiveLogTestServer implements AutoCloseable {
    static final String WORKER_TOKEN = "live-test-worker-token";
    static final String TASK = "build";
    static final String ONE_STEP_TASK = "single";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path dir;
    private final Path configFile;
    private final String apiToken;
    private ServerApp app;

    private LiveLogTestServer(Path dir, Path configFile, String apiToken) {
        this.dir = dir;
        this.configFile = configFile;
        this.apiToken = apiToken;
    }

    /** Options of the config; defaults are what most tests need. */
    static final class Options {
        private String apiToken;
        private boolean archive;
        private Long pingSecs;
        private Long unresponsiveSecs;
        private Long bufferBytes;

        Options apiToken(String token) {
            this.apiToken = token;
            return this;
        }

        Options localArchive() {
            this.archive = true;
            return this;
        }

        Options liveness(long pingSecs, long unresponsiveSecs) {
            this.pingSecs = pingSecs;
            this.unresponsiveSecs = unresponsiveSecs;
            return this;
        }

        Options bufferBytes(long bytes) {
            this.bufferBytes = bytes;
            return this;
        }

        LiveLogTestServer start(Path dir) {
            try {
                writeWorkspace(dir.resolve("workspace"));
                var yaml = new StringBuilder();
                yaml.append("listen: \"127.0.0.1:0\"\n");
                yaml.append("db:\n  url: \"sqlite:").append(dir.resolve("stroem.db")).append("\"\n");
                yaml.append("worker_token: \"").append(WORKER_TOKEN).append("\"\n");
                yaml.append("log_storage:\n  local_dir: \"").append(dir.resolve("logs")).append("\"\n");
                if (archive) {
                    yaml.append("  archive:\n    type: local\n    path: \"").append(dir.resolve("archive")).append("\"\n");
                }
                if (pingSecs != null || bufferBytes != null) {
                    yaml.append("  stream:\n");
                    if (pingSecs != null) {
                        yaml.append("    ping_interval_secs: ").append(pingSecs).append('\n');
                        yaml.append("    unresponsive_timeout_secs: ").append(unresponsiveSecs).append('\n');
                    }
                    if (bufferBytes != null) {
                        yaml.append("    buffer_bytes: ").append(bufferBytes).append('\n');
                    }
                }
                yaml.append("workspaces:\n  default:\n    type: folder\n    path: workspace\n");
                if (apiToken != null) {
                    yaml.append("auth:\n  api_tokens:\n    - \"").append(apiToken).append("\"\n");
                }
                Path file = Files.writeString(dir.resolve("server-config.yaml"), yaml);
                var server = new LiveLogTestServer(dir, file, apiToken);
                server.startApp();
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Options options() {
        return new Options();
    }

    static LiveLogTestServer start(Path dir) {
        return options().start(dir);
    }

    private static void writeWorkspace(Path root) throws IOException {
        Files.createDirectories(root.resolve(".workflows"));
        // A hook whose input cannot render: finalising a cancelled job writes a [hooks] server event.
        Files.writeString(root.resolve(".workflows/live.yaml"), """
                actions:
                  noop:
                    type: script
                    script: echo noop
                  notify:
                    type: script
                    script: echo "{{ input.msg }}"
                    input:
                      msg: { type: string }
                tasks:
                  build:
                    flow:
                      compile:
                        action: noop
                      test:
                        action: noop
                        depends_on: [compile]
                    on_cancel:
                      - action: notify
                        input:
                          msg: "{{ throw(message='this hook cannot render') }}"
                  single:
                    flow:
                      only:
                        action: noop
                """);
    }

    private void startApp() {
        var config = new ConfigLoader().loadServer(configFile, Map.of());
        app = ServerApp.start(config, configFile.getParent());
    }

    /** Stops the server and starts a new one on the same port, folders and database. */
    void restart() {
        int port = app.port();
        app.close();
        try {
            Files.writeString(configFile, Files.readString(configFile)
                    .replace("listen: \"127.0.0.1:0\"", "listen: \"127.0.0.1:" + port + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startApp();
    }

    int port() {
        return app.port();
    }

    Path logDir() {
        return dir.resolve("logs");
    }

    /** {@code ws://…/api/jobs/{id}/logs/stream?query}. */
    URI streamUri(String jobId, String query) {
        return URI.create("ws://127.0.0.1:" + port() + "/api/jobs/" + jobId + "/logs/stream"
                + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    // --- as a user ---------------------------------------------------------------------------

    String createJob(String task) {
        JsonNode body = call("POST", "/api/workspaces/default/tasks/" + task + "/execute", apiToken, "{\"input\":{}}", 200);
        return body.get("job_id").asText();
    }

    /** A single-use ticket for a stream or download URL ({@code POST /api/auth/ticket} with the API token). */
    String ticket() {
        return call("POST", "/api/auth/ticket", apiToken, "", 200).get("ticket").asText();
    }

    void cancel(String jobId) {
        call("POST", "/api/jobs/" + jobId + "/cancel", apiToken, "", 200);
    }

    JsonNode job(String jobId) {
        return call("GET", "/api/jobs/" + jobId, apiToken, null, 200);
    }

    /** The job's whole log as the REST API returns it ({@code full=true}): the reference a stream must match. */
    String fullLog(String jobId) {
        return send("GET", "/api/jobs/" + jobId + "/logs?full=true", apiToken, null).body();
    }

    /** The metric's value from {@code /metrics} (0 when absent). */
    double metric(String name) {
        String text = send("GET", "/metrics", null, null).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    // --- as a worker -------------------------------------------------------------------------

    /** Pushes lines {@code prefix-from} … {@code prefix-(from+count-1)} for the step through the worker API. */
    void push(String jobId, String step, String prefix, int from, int count) {
        ObjectNode body = json.createObjectNode();
        body.put("step_name", step);
        body.put("batch_id", UUID.randomUUID().toString());
        ArrayNode lines = body.putArray("lines");
        for (int i = from; i < from + count; i++) {
            lines.addObject().put("ts", "2026-01-01T00:00:00.000Z").put("stream", "stdout").put("line", prefix + "-" + i);
        }
        call("POST", "/worker/jobs/" + jobId + "/logs", WORKER_TOKEN, body.toString(), 200);
    }

    /** Runs every step of the job to completion as a worker would (claim, start, complete). */
    void completeAllSteps(String jobId) {
        String workerId = call("POST", "/worker/register", WORKER_TOKEN, "{\"name\":\"live-test\"}", 200)
                .get("worker_id").asText();
        while (true) {
            JsonNode claim = call("POST", "/worker/jobs/claim", WORKER_TOKEN,
                    "{\"worker_id\":\"" + workerId + "\",\"capabilities\":[\"script\"],\"tags\":[]}", 200);
            if (claim.get("job_id").isNull()) {
                return;
            }
            String job = claim.get("job_id").asText();
            String step = claim.get("step_name").asText();
            call("POST", "/worker/jobs/" + job + "/steps/" + step + "/start", WORKER_TOKEN,
                    "{\"worker_id\":\"" + workerId + "\"}", 200);
            call("POST", "/worker/jobs/" + job + "/steps/" + step + "/complete", WORKER_TOKEN,
                    "{\"exit_code\":0,\"error\":null,\"output\":null}", 200);
        }
    }

    // --- HTTP --------------------------------------------------------------------------------

    private JsonNode call(String method, String path, String token, String body, int expected) {
        HttpResponse<String> r = send(method, path, token, body);
        if (r.statusCode() != expected) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        try {
            return r.body().isEmpty() ? json.nullNode() : json.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HttpResponse<String> send(String method, String path, String token, String body) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> lines(String jsonl) {
        return jsonl.isEmpty() ? List.of() : List.of(jsonl.split("\n"));
    }

    @Override
    public void close() {
        app.close();
    }
}
