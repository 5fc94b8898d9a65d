package dev.stroem.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A fake of the worker API of docs/worker-api.md: a small Javalin app that records every attempt
 * it receives and can be told to fail (503 for a while, store-then-fail once), faults the real
 * server cannot be made to produce on demand. Tests that need the server's real answers (name
 * rules, 422s, completion ordering) run against {@code dev.stroem.web.TestServer} instead, e.g.
 * {@link LogShipperRealServerIT}. Its state outlives {@link #stop()}, so a test can take it down
 * and {@link #start()} it again on the same port: a real outage.
 */
final class WorkerApiTestServer implements AutoCloseable {

    static final String TOKEN = "test-worker-token";

    /** A log batch as it arrived, also when it was refused or a duplicate. */
    record BatchAttempt(String jobId, String stepName, String batchId, int lines, int status) {}

    /** A workspace download as it arrived: {@code ?revision=}, {@code If-None-Match} and the status answered. */
    record WorkspaceRequest(String workspace, String revision, String ifNoneMatch, int status) {}

    /** A step completion as it arrived. */
    record Completion(String jobId, String stepName, JsonNode body) {}

    private final ObjectMapper json = new ObjectMapper();
    private final Object lock = new Object();

    // Everything below is the server's "database": it survives restarts.
    private final Set<String> workers = ConcurrentHashMap.newKeySet();
    private final List<String> registrations = new CopyOnWriteArrayList<>();
    private final Queue<Map<String, Object>> readySteps = new ConcurrentLinkedQueue<>();
    private final List<String> startedSteps = new CopyOnWriteArrayList<>();
    private final Set<String> cancelledJobs = ConcurrentHashMap.newKeySet();
    private final Set<String> deletedJobs = ConcurrentHashMap.newKeySet();
    private final Map<String, List<JsonNode>> storedLines = new LinkedHashMap<>();
    private final Set<String> storedBatchIds = ConcurrentHashMap.newKeySet();
    private final List<BatchAttempt> attempts = new CopyOnWriteArrayList<>();
    private final List<Completion> completions = new CopyOnWriteArrayList<>();
    /** Stored batches and completions in the order the server recorded them. */
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** Workspace archives by workspace, then revision; and each workspace's current revision. */
    private final Map<String, Map<String, byte[]>> archives = new ConcurrentHashMap<>();
    private final Map<String, String> currentRevisions = new ConcurrentHashMap<>();
    private final List<WorkspaceRequest> workspaceRequests = new CopyOnWriteArrayList<>();

    /** Register and claim bodies as they arrived. */
    private final List<JsonNode> registerBodies = new CopyOnWriteArrayList<>();
    private final List<JsonNode> claimBodies = new CopyOnWriteArrayList<>();

    /** The {@code max_steps} of each claim as it arrived (0 when absent). */
    private final List<Integer> claimSizes = new CopyOnWriteArrayList<>();
    /** Answers {@code max_steps} with {@code steps}, as our server does; off: as the original does. */
    private volatile boolean batchClaims;
    /** Says {@code X-Stroem-Complete-Logs} at registration and stores a completion's {@code logs}, as our server does. */
    private volatile boolean logsWithCompletion;
    private volatile int completionFailureStatus;
    private final List<Completion> completionAttempts = new CopyOnWriteArrayList<>();
    private volatile int logFailureStatus;
    private volatile boolean storeThenFailOnce;
    private int port;
    private Javalin app;

    WorkerApiTestServer start() {
        app = Javalin.create(config -> {
            config.routes.before(this::authorize);
            config.routes.post("/worker/register", this::register);
            config.routes.post("/worker/heartbeat", this::heartbeat);
            config.routes.post("/worker/jobs/claim", this::claim);
            config.routes.post("/worker/jobs/{job}/steps/{step}/start", this::startStep);
            config.routes.post("/worker/jobs/{job}/steps/{step}/complete", this::complete);
            config.routes.get("/worker/jobs/{job}/cancelled", this::cancelled);
            config.routes.post("/worker/jobs/{job}/logs", this::logs);
            config.routes.get("/worker/workspace/{file}", this::workspace);
        }).start(port);
        port = app.port();
        return this;
    }

    /** Takes the server down; its recorded state stays for the next {@link #start()}. */
    void stop() {
        app.stop();
    }

    @Override
    public void close() {
        stop();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    // --- what a test sets up --------------------------------------------------------------------

    /** Offers a script step to the next claim; returns its job id. */
    String offerStep(String stepName, String script, Long timeoutSecs) {
        return offerStep(stepName, script, timeoutSecs, Map.of("GREETING", "Hello"));
    }

    String offerStep(String stepName, String script, Long timeoutSecs, Map<String, String> env) {
        String jobId = UUID.randomUUID().toString();
        var step = new LinkedHashMap<String, Object>();
        step.put("job_id", jobId);
        step.put("workspace", "default");
        step.put("task_name", "test-task");
        step.put("step_name", stepName);
        step.put("action_name", "act");
        step.put("action_type", "script");
        step.put("runner", "local");
        step.put("action_spec", Map.of("script", script, "env", env));
        step.put("input", Map.of("name", "World"));
        step.put("timeout_secs", timeoutSecs);
        readySteps.add(step);
        return jobId;
    }

    /**
     * Serves {@code archive} as {@code revision} of {@code workspace}, from now on its current
     * revision (the older ones stay available with {@code ?revision=}). Without any, the server
     * answers 404 for the workspace, as our server did before it delivered workspaces.
     */
    void publishWorkspace(String workspace, String revision, byte[] archive) {
        archives.computeIfAbsent(workspace, k -> new ConcurrentHashMap<>()).put(revision, archive);
        currentRevisions.put(workspace, revision);
    }

    /** Offers a step with its whole {@code action_spec} and the revision it runs on (null: none named). */
    String offerStep(String stepName, Map<String, Object> actionSpec, String revision) {
        String jobId = UUID.randomUUID().toString();
        var step = new LinkedHashMap<String, Object>();
        step.put("job_id", jobId);
        step.put("workspace", "default");
        step.put("task_name", "test-task");
        step.put("step_name", stepName);
        step.put("action_name", "act");
        step.put("action_type", "script");
        step.put("runner", "local");
        step.put("action_spec", actionSpec);
        step.put("input", Map.of("name", "World"));
        step.put("timeout_secs", null);
        if (revision != null) {
            step.put("revision", revision);
        }
        readySteps.add(step);
        return jobId;
    }

    List<JsonNode> registerBodies() {
        return List.copyOf(registerBodies);
    }

    List<JsonNode> claimBodies() {
        return List.copyOf(claimBodies);
    }

    List<WorkspaceRequest> workspaceRequests() {
        return List.copyOf(workspaceRequests);
    }

    void cancel(String jobId) {
        cancelledJobs.add(jobId);
    }

    /** Answers 404 to log batches of this job from now on, as for a deleted job. */
    void delete(String jobId) {
        deletedJobs.add(jobId);
    }

    /** Fault: log batches are answered with this status (e.g. 503) until {@link #heal()}. */
    void failLogsWith(int status) {
        logFailureStatus = status;
    }

    void heal() {
        logFailureStatus = 0;
    }

    /** Fault: the next log batch is written, but its answer is a 503, as when a restart cut it off. */
    void storeNextBatchThenFail() {
        storeThenFailOnce = true;
    }

    /** Forgets every registered worker, as a server that lost them would. */
    void forgetWorkers() {
        workers.clear();
    }

    // --- what a test checks --------------------------------------------------------------------

    List<String> lines(String jobId, String stepName) {
        synchronized (lock) {
            return storedLines.getOrDefault(jobId + "/" + stepName, List.of()).stream()
                    .map(l -> l.path("line").asText()).collect(Collectors.toList());
        }
    }

    List<JsonNode> storedLineObjects(String jobId, String stepName) {
        synchronized (lock) {
            return List.copyOf(storedLines.getOrDefault(jobId + "/" + stepName, List.of()));
        }
    }

    List<String> lines(String jobId, String stepName, String stream) {
        return storedLineObjects(jobId, stepName).stream().filter(l -> l.path("stream").asText().equals(stream))
                .map(l -> l.path("line").asText()).collect(Collectors.toList());
    }

    List<BatchAttempt> attempts() {
        return List.copyOf(attempts);
    }

    List<String> events() {
        return List.copyOf(events);
    }

    List<String> registrations() {
        return List.copyOf(registrations);
    }

    /** From now on tells registering workers that it takes a step's last log batch with its completion. */
    void takeLogsWithCompletions() {
        logsWithCompletion = true;
    }

    /** Fault: completions are answered with this status (e.g. 503) until {@link #healCompletions()}. */
    void failCompletionsWith(int status) {
        completionFailureStatus = status;
    }

    void healCompletions() {
        completionFailureStatus = 0;
    }

    /** Every completion as it arrived, also when it was refused. */
    List<Completion> completionAttempts() {
        return List.copyOf(completionAttempts);
    }

    /** From now on answers claims for several steps with several steps, as our server does. */
    void answerBatchClaims() {
        batchClaims = true;
    }

    List<Integer> claimSizes() {
        return List.copyOf(claimSizes);
    }

    List<String> startedSteps() {
        return List.copyOf(startedSteps);
    }

    List<Completion> completions() {
        return List.copyOf(completions);
    }

    Completion completion(String jobId) {
        return completions.stream().filter(c -> c.jobId().equals(jobId)).findFirst().orElse(null);
    }

    // --- handlers ------------------------------------------------------------------------------

    private void authorize(Context ctx) {
        if (!("Bearer " + TOKEN).equals(ctx.header("Authorization"))) {
            error(ctx, 401, "Missing or wrong worker token.");
            ctx.skipRemainingHandlers();
        }
    }

    private void register(Context ctx) throws IOException {
        JsonNode body = json.readTree(ctx.body());
        registerBodies.add(body);
        if (!body.path("name").isTextual()) {
            error(ctx, 400, "Field 'name' is required.");
            return;
        }
        String id = UUID.randomUUID().toString();
        workers.add(id);
        registrations.add(id);
        if (logsWithCompletion) {
            ctx.header("X-Stroem-Complete-Logs", "true");
        }
        answer(ctx, Map.of("worker_id", id));
    }

    private void heartbeat(Context ctx) throws IOException {
        if (!workers.contains(json.readTree(ctx.body()).path("worker_id").asText())) {
            error(ctx, 404, "Unknown worker.");
            return;
        }
        answer(ctx, Map.of());
    }

    private void claim(Context ctx) throws IOException {
        JsonNode request = json.readTree(ctx.body());
        claimBodies.add(request);
        if (!workers.contains(request.path("worker_id").asText())) {
            error(ctx, 404, "Unknown worker.");
            return;
        }
        int max = request.path("max_steps").asInt(0);
        claimSizes.add(max);
        if (batchClaims && max > 0) {
            var steps = new java.util.ArrayList<Map<String, Object>>();
            for (Map<String, Object> next; steps.size() < max && (next = readySteps.poll()) != null; ) {
                steps.add(next);
            }
            var batch = new LinkedHashMap<String, Object>(steps.isEmpty() ? Map.of() : steps.get(0));
            batch.putIfAbsent("job_id", null);
            batch.put("steps", steps);
            answer(ctx, batch);
            return;
        }
        Map<String, Object> step = readySteps.poll();
        if (step == null) {
            var none = new LinkedHashMap<String, Object>();
            none.put("job_id", null);
            none.put("step_name", null);
            none.put("action_spec", null);
            answer(ctx, none);
            return;
        }
        answer(ctx, step);
    }

    private void startStep(Context ctx) {
        startedSteps.add(ctx.pathParam("job") + "/" + ctx.pathParam("step"));
        answer(ctx, Map.of());
    }

    private void complete(Context ctx) throws IOException {
        String jobId = ctx.pathParam("job");
        String step = ctx.pathParam("step");
        JsonNode request = json.readTree(ctx.body());
        completionAttempts.add(new Completion(jobId, step, request));
        if (completionFailureStatus != 0) {
            error(ctx, completionFailureStatus, "Injected failure.");
            return;
        }
        JsonNode logs = request.path("logs");
        if (logsWithCompletion && logs.isObject()) {
            // Written before the completion is recorded, once per batch id, as our server does.
            String batchId = logs.path("batch_id").asText(null);
            synchronized (lock) {
                if (batchId != null && storedBatchIds.add(batchId)) {
                    var stored = storedLines.computeIfAbsent(jobId + "/" + step, k -> new ArrayList<>());
                    logs.path("lines").forEach(stored::add);
                    events.add("logs " + jobId + "/" + step + " " + batchId + " (with the completion)");
                }
            }
        }
        synchronized (lock) {
            if (completions.stream().noneMatch(c -> c.jobId().equals(jobId) && c.stepName().equals(step))) {
                completions.add(new Completion(jobId, step, request));
                events.add("complete " + jobId + "/" + step);
            }
        }
        answer(ctx, Map.of());
    }

    private void cancelled(Context ctx) {
        answer(ctx, Map.of("cancelled", cancelledJobs.contains(ctx.pathParam("job"))));
    }

    private void logs(Context ctx) throws IOException {
        String jobId = ctx.pathParam("job");
        JsonNode body = json.readTree(ctx.body());
        String step = body.path("step_name").asText();
        String batchId = body.path("batch_id").asText(null);
        JsonNode lines = body.path("lines");
        int failure = logFailureStatus;
        if (failure != 0) {
            attempts.add(new BatchAttempt(jobId, step, batchId, lines.size(), failure));
            error(ctx, failure, "Injected failure.");
            return;
        }
        if (deletedJobs.contains(jobId)) {
            attempts.add(new BatchAttempt(jobId, step, batchId, lines.size(), 404));
            error(ctx, 404, "Unknown job " + jobId + ".");
            return;
        }
        for (JsonNode line : lines) {
            String stream = line.path("stream").asText();
            if (!stream.equals("stdout") && !stream.equals("stderr")) {
                error(ctx, 400, "Field 'stream' must be stdout or stderr.");
                return;
            }
        }
        boolean duplicate;
        synchronized (lock) {
            duplicate = batchId != null && !storedBatchIds.add(batchId);
            if (!duplicate) {
                var stored = storedLines.computeIfAbsent(jobId + "/" + step, k -> new ArrayList<>());
                lines.forEach(stored::add);
                events.add("logs " + jobId + "/" + step + " " + batchId);
            }
        }
        attempts.add(new BatchAttempt(jobId, step, batchId, lines.size(), 200));
        if (storeThenFailOnce) {
            storeThenFailOnce = false;
            error(ctx, 503, "Injected failure after the batch was written.");
            return;
        }
        answer(ctx, Map.of("accepted", duplicate ? 0 : lines.size(), "duplicate", duplicate));
    }

    private void workspace(Context ctx) {
        String file = ctx.pathParam("file");
        String ws = file.endsWith(".tar.gz") ? file.substring(0, file.length() - ".tar.gz".length()) : file;
        String asked = ctx.queryParam("revision");
        String ifNoneMatch = ctx.header("If-None-Match");
        String revision = asked != null ? asked : currentRevisions.get(ws);
        byte[] archive = revision == null ? null : archives.getOrDefault(ws, Map.of()).get(revision);
        int status;
        if (archive == null) {
            status = 404;
            error(ctx, 404, "No workspace " + ws + (asked == null ? "" : " at revision " + asked) + ".");
        } else {
            ctx.header("X-Revision", revision);
            ctx.header("ETag", "\"" + revision + "\"");
            if (("\"" + revision + "\"").equals(ifNoneMatch)) {
                status = 304;
                ctx.status(304);
            } else {
                status = 200;
                ctx.contentType("application/gzip").result(archive);
            }
        }
        workspaceRequests.add(new WorkspaceRequest(ws, asked, ifNoneMatch, status));
    }

    private void answer(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(json.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void error(Context ctx, int status, String sentence) {
        ctx.status(status);
        answer(ctx, Map.of("error", sentence));
    }
}
