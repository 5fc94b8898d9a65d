package dev.stroem.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The CLI's client of the public API (docs/api.md) over {@code java.net.http}. Every failure is a
 * {@link CliException} with one sentence: the server cannot be reached, or the server's own
 * {@code {"error":"…"}} sentence ("no job with id …").
 */
public final class ApiClient {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final String USER_AGENT = "stroem-cli/0.1.0";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;
    private final String baseUrl;
    private final String token;

    /**
     * @param serverUrl e.g. {@code http://localhost:8080} (a path prefix is kept)
     * @param token the API token, or null when the server needs none
     * @throws CliException when {@code serverUrl} is not an http(s) URL
     */
    public ApiClient(String serverUrl, String token) {
        this.baseUrl = checkedBase(serverUrl);
        this.token = token == null || token.isBlank() ? null : token;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    public String serverUrl() {
        return baseUrl;
    }

    /** {@code POST /api/workspaces/{ws}/tasks/{task}/execute}: the new job's id. */
    public String execute(String workspace, String task, Map<String, ?> input) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(Map.of("input", input));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the input", e);
        }
        JsonNode answer = send(request("/api/workspaces/" + segment(workspace) + "/tasks/" + segment(task) + "/execute")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        String id = answer.path("job_id").asText("");
        if (id.isEmpty()) {
            throw new CliException("the server at " + baseUrl + " accepted the task but sent no job id");
        }
        return id;
    }

    /** {@code GET /api/jobs}: {@code {"items":[…],"total":N}}, newest first. */
    public JsonNode jobs(String workspace, String task, String status, int limit) {
        var query = new LinkedHashMap<String, String>();
        query.put("workspace", workspace);
        query.put("task_name", task);
        query.put("status", status);
        query.put("limit", Integer.toString(limit));
        return send(request("/api/jobs" + query(query)).GET());
    }

    /** {@code GET /api/workspaces}: the workspaces with their counts. */
    public JsonNode workspaces() {
        return send(request("/api/workspaces").GET());
    }

    /** {@code GET /api/tasks}, or {@code GET /api/workspaces/{ws}/tasks} when {@code workspace} is set. */
    public JsonNode tasks(String workspace) {
        return send(request(workspace == null ? "/api/tasks" : "/api/workspaces/" + segment(workspace) + "/tasks").GET());
    }

    /** {@code GET /api/jobs/{id}}: the job with its steps. */
    public JsonNode job(String jobId) {
        return send(request("/api/jobs/" + segment(jobId)).GET());
    }

    /** {@code POST /api/jobs/{id}/cancel}. */
    public void cancel(String jobId) {
        send(request("/api/jobs/" + segment(jobId) + "/cancel").POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** The last {@code tail} lines (of {@code step} and {@code stream}, each null for all): {@code {"logs","next_offset"}}. */
    public JsonNode logTail(String jobId, String step, String stream, int tail) {
        var query = new LinkedHashMap<String, String>();
        query.put("stream", stream);
        query.put("tail", Integer.toString(tail));
        return send(request(logsPath(jobId, step) + query(query)).GET());
    }

    /**
     * The whole log (of {@code step} and {@code stream}, each null for all) as it is now, one JSONL
     * line at a time: streamed ({@code full=true}), so a log of any size passes in bounded memory.
     */
    public void streamLog(String jobId, String step, String stream, Consumer<String> line) {
        var query = new LinkedHashMap<String, String>();
        query.put("full", "true");
        query.put("stream", stream);
        HttpRequest request = request(logsPath(jobId, step) + query(query)).GET().build();
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while reading the log", e);
        }
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() / 100 != 2) {
                throw refused(response.statusCode(), lines.collect(Collectors.joining("\n")));
            }
            lines.filter(l -> !l.isEmpty()).forEach(line);
        } catch (java.io.UncheckedIOException e) {
            throw new CliException("lost the connection to the Strøm server at " + baseUrl + " while reading the log: "
                    + reason(e.getCause()), e);
        }
    }

    /**
     * {@code POST /api/workspaces/{ws}/tasks/{task}/state} (or {@code /api/workspaces/{ws}/state} when
     * {@code task} is null) with the gzip tarball {@code tarGz} and the state values as parameters.
     */
    public JsonNode uploadState(String workspace, String task, String mode, Map<String, String> values,
            java.nio.file.Path tarGz) {
        var query = new LinkedHashMap<String, String>();
        query.put("mode", mode);
        values.forEach((k, v) -> query.put(URLEncoder.encode(k, StandardCharsets.UTF_8), v));
        String path = "/api/workspaces/" + segment(workspace) + (task == null ? "" : "/tasks/" + segment(task)) + "/state";
        try {
            return send(request(path + query(query)).header("Content-Type", "application/gzip")
                    .POST(HttpRequest.BodyPublishers.ofFile(tarGz)));
        } catch (java.io.FileNotFoundException e) {
            throw new CliException("cannot read " + tarGz + ": " + e.getMessage(), e);
        }
    }

    /** {@code GET /api/jobs/{id}/artifacts}. */
    public JsonNode artifacts(String jobId) {
        return send(request("/api/jobs/" + segment(jobId) + "/artifacts").GET());
    }

    /**
     * Streams artifact {@code name} of the job into {@code target} (written to a temporary file
     * beside it first, so an interrupted download leaves no half file); returns the bytes written.
     */
    public long downloadArtifact(String jobId, String name, java.nio.file.Path target) {
        var path = new StringBuilder("/api/jobs/").append(segment(jobId)).append("/artifacts");
        for (String part : name.split("/", -1)) {
            path.append('/').append(segment(part));
        }
        // Downloads may take long: no overall timeout, only the connection's.
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("User-Agent", USER_AGENT)
                .headers(token == null ? new String[] {"Accept", "*/*"} : new String[] {"Authorization", "Bearer " + token})
                .GET().build();
        HttpResponse<java.io.InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while downloading", e);
        }
        try (var body = response.body()) {
            if (response.statusCode() / 100 != 2) {
                throw refused(response.statusCode(), new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8));
            }
            var dir = target.toAbsolutePath().getParent();
            var tmp = java.nio.file.Files.createTempFile(dir, "." + target.getFileName(), ".part");
            try {
                long n;
                try (var out = java.nio.file.Files.newOutputStream(tmp)) {
                    n = body.transferTo(out);
                }
                java.nio.file.Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return n;
            } finally {
                java.nio.file.Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new CliException("downloading \"" + name + "\" failed: " + reason(e) + " (" + e.getMessage() + ")", e);
        }
    }

    /** The live log WebSocket of docs/api.md with {@code control=true}, resuming after {@code from} lines. */
    URI liveLogUri(String jobId, String step, long from) {
        var query = new LinkedHashMap<String, String>();
        query.put("control", "true");
        query.put("from", Long.toString(from));
        query.put("step", step);
        String ws = baseUrl.replaceFirst("^http", "ws");
        return URI.create(ws + "/api/jobs/" + segment(jobId) + "/logs/stream" + query(query));
    }

    /** A WebSocket builder that sends this client's token. */
    WebSocket.Builder webSocket() {
        var builder = http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT).header("User-Agent", USER_AGENT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** The sentence for a connection that could not be made or was lost. */
    CliException unreachable(Throwable e) {
        if (e instanceof HttpTimeoutException && !(e instanceof HttpConnectTimeoutException)) {
            return new CliException("the Strøm server at " + baseUrl + " did not answer within "
                    + REQUEST_TIMEOUT.toSeconds() + " seconds", e);
        }
        return new CliException("cannot reach the Strøm server at " + baseUrl + ": " + reason(e), e);
    }

    /** The sentence for an HTTP error answer: the server's own {@code error} sentence when it sent one. */
    CliException refused(int status, String body) {
        String sentence = "";
        try {
            sentence = json.readTree(body).path("error").asText("");
        } catch (IOException | RuntimeException e) {
            // Not our JSON (a proxy's page, say): the status speaks.
        }
        if (status == 401) {
            return new CliException("the Strøm server at " + baseUrl + " refused the request"
                    + (sentence.isEmpty() ? "" : " (" + sentence + ")") + "; pass --token or set STROEM_TOKEN");
        }
        if (sentence.isEmpty()) {
            return new CliException("the server at " + baseUrl + " answered HTTP " + status);
        }
        return new CliException(sentence);
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while waiting for the server", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw refused(response.statusCode(), response.body());
        }
        try {
            String body = response.body();
            return body.isEmpty() ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            throw new CliException("the server at " + baseUrl + " answered with something that is not JSON; "
                    + "is it a Strøm server?", e);
        }
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        var builder = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("User-Agent", USER_AGENT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private static String logsPath(String jobId, String step) {
        return "/api/jobs/" + segment(jobId) + (step == null ? "" : "/steps/" + segment(step)) + "/logs";
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return "the connection timed out";
            }
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String checkedBase(String serverUrl) {
        String url = serverUrl == null ? "" : serverUrl.strip();
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null) {
                return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            }
        } catch (URISyntaxException e) {
            // Falls through to the sentence below.
        }
        throw new CliException("--server (or STROEM_SERVER / STROEM_URL) must be an http:// or https:// URL such as "
                + "http://localhost:8080, not \"" + url + "\"");
    }

    private static String query(Map<String, String> params) {
        String q = params.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return q.isEmpty() ? "" : "?" + q;
    }

    /** Percent-encodes one path segment (URLEncoder speaks form encoding, where a space is '+'). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
