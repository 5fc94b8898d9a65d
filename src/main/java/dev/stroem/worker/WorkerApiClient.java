package dev.stroem.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The worker side of docs/worker-api.md over {@code java.net.http}. Every method either returns
 * the server's answer or throws {@link WorkerApiException}; retrying is the caller's decision.
 *
 * <p>{@code server_url} may name several server replicas, comma-separated. Calls go to one of them
 * until it gives no answer or answers 502, 503 or 504 (a replica that is down, or a load balancer
 * with nothing behind it); the call is then tried once on each other replica in turn, and the one
 * that answers is used from then on. Any other answer, error or not, is the answer.
 */
public final class WorkerApiClient {

    public static final String VERSION = "0.1.0";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Register answer header of a server that takes a step's last log batch with its completion. */
    static final String COMPLETE_LOGS_HEADER = "X-Stroem-Complete-Logs";

    private final ObjectMapper json = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final HttpClient http;
    private final List<String> baseUrls;
    /** The replica calls go to now (index into {@link #baseUrls}). */
    private volatile int current;
    private final String token;
    private final Duration requestTimeout;

    /**
     * @param serverUrl e.g. {@code http://localhost:8080}
     * @param requestTimeout how long one call may wait for its answer before it counts as no answer
     */
    public WorkerApiClient(String serverUrl, String workerToken, Duration requestTimeout) {
        this(serverUrl, workerToken, requestTimeout, CONNECT_TIMEOUT);
    }

    /** @param connectTimeout how long opening a connection to the server may take */
    public WorkerApiClient(String serverUrl, String workerToken, Duration requestTimeout, Duration connectTimeout) {
        // No request of this client ever asks for "Expect: 100-continue": with a server that
        // answers before reading the body, Java's client would wait for the 100 for ever.
        this(HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(connectTimeout)
                        .build(),
                serverUrl, workerToken, requestTimeout);
    }

    public WorkerApiClient(HttpClient http, String serverUrl, String workerToken, Duration requestTimeout) {
        this.http = http;
        this.baseUrls = baseUrls(serverUrl);
        this.token = workerToken;
        this.requestTimeout = requestTimeout;
    }

    /** {@code POST /worker/register}: returns the worker id. */
    public String register(String name, List<String> capabilities, List<String> tags) throws InterruptedException {
        return register(name, capabilities, tags, false);
    }

    /**
     * {@code POST /worker/register} with {@code exclusive} (the original's migration 042): sent
     * only when true, so a default worker registers with servers that do not know the field, and
     * an exclusive one is refused by them instead of silently taking untagged steps.
     */
    public String register(String name, List<String> capabilities, List<String> tags, boolean exclusive)
            throws InterruptedException {
        return registration(name, capabilities, tags, exclusive).workerId();
    }

    /**
     * What registering tells: the worker's id, and whether the server takes a step's last log
     * batch with its completion (extension: header {@code X-Stroem-Complete-Logs: true}; false for a
     * server that does not say so).
     */
    public record Registration(String workerId, boolean completeTakesLogs) {}

    /** As {@link #register(String, List, List, boolean)}, with what the server said it supports. */
    public Registration registration(String name, List<String> capabilities, List<String> tags, boolean exclusive)
            throws InterruptedException {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", name);
        body.put("capabilities", capabilities);
        body.put("tags", tags);
        if (exclusive) {
            body.put("exclusive", true);
        }
        body.put("version", VERSION);
        Answer answer = exchange(request("/worker/register")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(encode("/worker/register", body))));
        String id = answer.body().path("worker_id").asText(null);
        if (id == null || id.isEmpty()) {
            throw new WorkerApiException(200, "The server's answer to register has no worker_id: " + answer.body());
        }
        // A header, so that the body keeps the original's shape (docs/worker-api.md).
        return new Registration(id, answer.headers().firstValue(COMPLETE_LOGS_HEADER).map("true"::equalsIgnoreCase)
                .orElse(false));
    }

    /** {@code POST /worker/heartbeat}; a 404 means the server does not know this worker (any more). */
    public void heartbeat(String workerId) throws InterruptedException {
        post("/worker/heartbeat", Map.of("worker_id", workerId));
    }

    /** {@code POST /worker/jobs/claim}: a ready step, or empty when there is no work. */
    public Optional<ClaimedStep> claim(String workerId, List<String> capabilities, List<String> tags)
            throws InterruptedException {
        return claim(workerId, capabilities, tags, Duration.ZERO);
    }

    /**
     * {@code POST /worker/jobs/claim} with {@code wait_secs}: the server answers as soon as a step
     * is ready for this worker, or with no work when {@code wait} is over (a server that does not
     * wait, such as the original, answers at once). Interrupting the calling thread abandons the call.
     */
    public Optional<ClaimedStep> claim(String workerId, List<String> capabilities, List<String> tags,
            Duration wait) throws InterruptedException {
        JsonNode answer = postClaim(workerId, capabilities, tags, false, wait, null);
        if (answer.path("job_id").isNull() || answer.path("job_id").isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(readStep(answer));
    }

    /**
     * {@code POST /worker/jobs/claim} with {@code wait_secs} and {@code max_steps} (our
     * extensions): up to {@code max} steps at once, as many as this worker has free slots; a server
     * that knows nothing of {@code max_steps} (the original) answers one step, which is taken too.
     */
    public List<ClaimedStep> claimSteps(String workerId, List<String> capabilities, List<String> tags,
            Duration wait, int max) throws InterruptedException {
        return claimSteps(workerId, capabilities, tags, false, wait, max);
    }

    /** As {@link #claimSteps(String, List, List, Duration, int)}, with {@code exclusive} (sent only when true). */
    public List<ClaimedStep> claimSteps(String workerId, List<String> capabilities, List<String> tags,
            boolean exclusive, Duration wait, int max) throws InterruptedException {
        JsonNode answer = postClaim(workerId, capabilities, tags, exclusive, wait, max);
        var steps = new java.util.ArrayList<ClaimedStep>();
        if (answer.path("steps").isArray()) {
            for (JsonNode step : answer.path("steps")) {
                steps.add(readStep(step));
            }
        } else if (!answer.path("job_id").isNull() && !answer.path("job_id").isMissingNode()) {
            steps.add(readStep(answer));
        }
        return steps;
    }

    private JsonNode postClaim(String workerId, List<String> capabilities, List<String> tags, boolean exclusive,
            Duration wait, Integer max) throws InterruptedException {
        var body = new LinkedHashMap<String, Object>();
        body.put("worker_id", workerId);
        body.put("capabilities", capabilities);
        body.put("tags", tags);
        if (exclusive) {
            body.put("exclusive", true);
        }
        if (!wait.isZero()) {
            body.put("wait_secs", wait.toSeconds());
        }
        if (max != null) {
            body.put("max_steps", max);
        }
        return send(request("/worker/jobs/claim", requestTimeout.plus(wait))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(encode("/worker/jobs/claim", body))));
    }

    private ClaimedStep readStep(JsonNode step) {
        try {
            return json.treeToValue(step, ClaimedStep.class);
        } catch (JsonProcessingException e) {
            throw new WorkerApiException(200, "The server's claimed step cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code POST /worker/jobs/{id}/steps/{step}/start}. */
    public void startStep(String jobId, String stepName, String workerId) throws InterruptedException {
        post(stepPath(jobId, stepName) + "/start", Map.of("worker_id", workerId));
    }

    /** {@code POST /worker/jobs/{id}/steps/{step}/complete}; repeating a recorded completion is harmless. */
    public void completeStep(String jobId, String stepName, StepCompletion completion) throws InterruptedException {
        completeStep(jobId, stepName, completion, null, List.of());
    }

    /**
     * {@code POST …/complete} carrying the step's last log batch (extension {@code logs}, only for a
     * server that registered this worker with header {@code X-Stroem-Complete-Logs}): the server writes it, once
     * per {@code batchId}, before it records the completion. Without lines it is a plain completion.
     */
    public void completeStep(String jobId, String stepName, StepCompletion completion, String batchId,
            List<ShippedLine> lines) throws InterruptedException {
        var body = new LinkedHashMap<String, Object>();
        body.put("exit_code", completion.exitCode());
        body.put("error", completion.error());
        body.put("output", completion.output());
        if (!lines.isEmpty()) {
            var logs = new LinkedHashMap<String, Object>();
            logs.put("batch_id", batchId);
            logs.put("lines", lines);
            body.put("logs", logs);
        }
        post(stepPath(jobId, stepName) + "/complete", body);
    }

    /**
     * {@code POST /worker/jobs/{id}/steps/{step}/artifacts/<name>}: the file streamed from disk as
     * the body (never read into memory), with its length declared, so the server can refuse one
     * over its limits before reading it. {@code name} keeps its slashes; each segment is encoded.
     * Returns the size the server stored. Repeating it replaces the artifact (same name).
     *
     * @param timeout how long the whole upload may take until the server's answer
     */
    public long uploadArtifact(String jobId, String stepName, String name, Path file, String contentType,
            Duration timeout) throws InterruptedException {
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.ofFile(file);
        } catch (java.io.FileNotFoundException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String path = stepPath(jobId, stepName) + "/artifacts/" + namePath(name);
        JsonNode answer = send(request(path, timeout).header("Content-Type", contentType).POST(body));
        return answer.path("size_bytes").asLong(-1);
    }

    /** {@code DELETE /worker/jobs/{id}/steps/{step}/artifacts}: drops what the step uploaded (none is fine). */
    public void deleteStepArtifacts(String jobId, String stepName) throws InterruptedException {
        send(request(stepPath(jobId, stepName) + "/artifacts").DELETE());
    }

    /** {@code GET /worker/jobs/{id}/cancelled}. */
    public boolean isCancelled(String jobId) throws InterruptedException {
        return send(request("/worker/jobs/" + segment(jobId) + "/cancelled").GET()).path("cancelled").asBoolean(false);
    }

    /**
     * {@code POST /worker/jobs/{id}/logs} with a {@code batch_id}: sending the same batch id again
     * is answered {@code duplicate} and writes nothing twice.
     */
    public LogAck sendLogs(String jobId, String stepName, String batchId, List<ShippedLine> lines)
            throws InterruptedException {
        var body = new LinkedHashMap<String, Object>();
        body.put("step_name", stepName);
        body.put("batch_id", batchId);
        body.put("lines", lines);
        JsonNode answer = post("/worker/jobs/" + segment(jobId) + "/logs", body);
        return new LogAck(answer.path("accepted").asInt(lines.size()), answer.path("duplicate").asBoolean(false));
    }

    /**
     * {@code GET /worker/workspace/{ws}.tar.gz}, {@code ?revision=} when {@code revision} is
     * given, {@code If-None-Match} when {@code knownRevision} is: a 200's archive is written to
     * {@code into}. 404 is an answer here, not an error (a server without workspace downloads
     * answers it too); any other status but 200 and 304 throws {@link WorkerApiException}.
     */
    public WorkspaceDownload downloadWorkspace(String workspace, String revision, String knownRevision, Path into)
            throws InterruptedException {
        String path = "/worker/workspace/" + segment(workspace) + ".tar.gz"
                + (revision == null ? "" : "?revision=" + URLEncoder.encode(revision, StandardCharsets.UTF_8));
        var builder = request(path).setHeader("Accept", "application/gzip").GET();
        if (knownRevision != null) {
            builder.header("If-None-Match", "\"" + knownRevision + "\"");
        }
        HttpRequest request = builder.build();
        HttpResponse<byte[]> response = sendToFile(request, into);
        int status = response.statusCode();
        String named = response.headers().firstValue("X-Revision")
                .or(() -> response.headers().firstValue("ETag").map(WorkerApiClient::unquote))
                .filter(r -> !r.isBlank())
                .orElse(null);
        if (status == 200 || status == 304 || status == 404) {
            return new WorkspaceDownload(status, named, status == 200 ? into : null);
        }
        throw unexpected(request, response);
    }

    /**
     * {@code GET /worker/state/{ws}/tasks/{task}} ({@code task} null: {@code /worker/state/{ws}/global}):
     * the latest snapshot streamed into {@code into} (200), or none (204). 404 (an unknown task, or
     * a server without state endpoints such as the original) is an answer too: no state to read.
     */
    public StateDownload downloadState(String workspace, String task, Path into) throws InterruptedException {
        HttpRequest request = request(statePath(workspace, task)).setHeader("Accept", "application/gzip").GET().build();
        HttpResponse<byte[]> response = sendToFile(request, into);
        int status = response.statusCode();
        if (status == 200) {
            return new StateDownload(response.headers().firstValue("X-Stroem-Snapshot-Id").orElse(null), into);
        }
        if (status == 204 || status == 404) {
            return StateDownload.NONE;
        }
        throw unexpected(request, response);
    }

    /** Sends a GET whose 200 body is streamed into {@code into}; any other body is kept in memory to explain it. */
    private HttpResponse<byte[]> sendToFile(HttpRequest request, Path into) throws InterruptedException {
        try {
            return http.send(request, info -> info.statusCode() == 200
                    ? HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofFile(into), file -> new byte[0])
                    : HttpResponse.BodySubscribers.ofByteArray());
        } catch (IOException e) {
            throw new WorkerApiException(0, "GET " + request.uri().getPath() + " got no answer: " + describe(e), e);
        }
    }

    /** A status the caller has no answer for, with the server's {@code error} sentence when it gave one. */
    private WorkerApiException unexpected(HttpRequest request, HttpResponse<byte[]> response) {
        String sentence = parse(response.body()).path("error").asText("");
        return new WorkerApiException(response.statusCode(), "GET " + request.uri().getPath() + " answered "
                + response.statusCode() + (sentence.isEmpty() ? "" : ": " + sentence));
    }

    /**
     * {@code POST /worker/state/{ws}/tasks/{task}?job_id=…} ({@code task} null: global state): the
     * tarball streamed from {@code tarGz}, the structured state ({@code stateJson}, or null) in
     * {@code X-Stroem-State} or, {@code stateInside}, as the tarball's first entry (its root
     * {@code state.json}, marked by {@code X-Stroem-State-In-Archive}), and the snapshot id the worker
     * chose in {@code X-Stroem-Snapshot-Id}: sending the same id again (a retry after a lost answer)
     * stores nothing twice.
     */
    public void uploadState(String workspace, String task, String jobId, String snapshotId, String stateJson,
            boolean stateInside, Path tarGz) throws InterruptedException {
        var builder = request(statePath(workspace, task) + "?job_id=" + URLEncoder.encode(jobId, StandardCharsets.UTF_8))
                .header("Content-Type", "application/gzip")
                .header("X-Stroem-Snapshot-Id", snapshotId);
        if (stateJson != null) {
            builder.header("X-Stroem-State", stateJson);
        }
        if (stateInside) {
            builder.header("X-Stroem-State-In-Archive", "true");
        }
        try {
            builder.POST(HttpRequest.BodyPublishers.ofFile(tarGz));
        } catch (java.io.FileNotFoundException e) {
            throw new java.io.UncheckedIOException(e);
        }
        send(builder);
    }

    private static String statePath(String workspace, String task) {
        return "/worker/state/" + segment(workspace) + (task == null ? "/global" : "/tasks/" + segment(task));
    }

    private static String unquote(String etag) {
        String t = etag.strip();
        if (t.startsWith("W/")) {
            t = t.substring(2);
        }
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    private JsonNode post(String path, Object body) throws InterruptedException {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(encode(path, body))));
    }

    private byte[] encode(String path, Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot encode the request to " + path, e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return request(path, requestTimeout);
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(baseUrls.get(0) + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header("User-Agent", "stroem-worker/" + VERSION);
    }

    /** The base URLs in {@code serverUrl}: one, or several separated by commas; no trailing slash. */
    static List<String> baseUrls(String serverUrl) {
        var out = new java.util.ArrayList<String>();
        for (String part : serverUrl.split(",")) {
            String url = part.trim();
            if (!url.isEmpty()) {
                out.add(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("server_url names no server");
        }
        return List.copyOf(out);
    }

    /** The base URL calls go to now. */
    public String currentServer() {
        return baseUrls.get(current);
    }

    /**
     * Sends to the current replica; when it gives no answer or a gateway error, to each other one
     * in turn (the request's path stays, its base changes).
     */
    private JsonNode send(HttpRequest.Builder builder) throws InterruptedException {
        return exchange(builder).body();
    }

    /** A 2xx answer: its body and headers. */
    private record Answer(JsonNode body, java.net.http.HttpHeaders headers) {}

    private Answer exchange(HttpRequest.Builder builder) throws InterruptedException {
        int start = current;
        if (baseUrls.size() == 1) {
            return sendOnce(builder.build());
        }
        String pathAndQuery = builder.build().uri().toString().substring(baseUrls.get(0).length());
        WorkerApiException last = null;
        for (int i = 0; i < baseUrls.size(); i++) {
            int index = (start + i) % baseUrls.size();
            try {
                Answer answer = sendOnce(builder.copy().uri(URI.create(baseUrls.get(index) + pathAndQuery)).build());
                current = index;
                return answer;
            } catch (WorkerApiException e) {
                if (!(e.status() == 0 || e.status() == 502 || e.status() == 503 || e.status() == 504)) {
                    current = index;
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private Answer sendOnce(HttpRequest request) throws InterruptedException {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new WorkerApiException(0, request.method() + " " + request.uri().getPath()
                    + " got no answer: " + describe(e), e);
        }
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status / 100 != 2) {
            String sentence = body.path("error").asText("");
            throw new WorkerApiException(status, request.method() + " " + request.uri().getPath()
                    + " answered " + status + (sentence.isEmpty() ? "" : ": " + sentence));
        }
        return new Answer(body, response.headers());
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            // A proxy's HTML error page, say: the status decides, the body only explains.
            return json.createObjectNode();
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }

    private static String stepPath(String jobId, String stepName) {
        return "/worker/jobs/" + segment(jobId) + "/steps/" + segment(stepName);
    }

    /** An artifact name as a URL path: each segment encoded, its slashes kept. */
    static String namePath(String name) {
        return java.util.Arrays.stream(name.split("/", -1)).map(WorkerApiClient::segment)
                .collect(java.util.stream.Collectors.joining("/"));
    }

    /** Percent-encodes one path segment (URLEncoder speaks form encoding, where a space is '+'). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
