package dev.stroem.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.stroem.jobs.ClaimedStep;
import dev.stroem.jobs.JobLogWriter;
import dev.stroem.jobs.Orchestrator;
import dev.stroem.jobs.WorkerRouting;
import dev.stroem.jobs.StepDispatcher;
import dev.stroem.jobs.Worker;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.WorkerStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The worker API ({@code /worker/*}, bearer {@code worker_token} always required): register,
 * heartbeat, claim, start, complete, cancellation check and log ingest. See docs/worker-api.md.
 */
public final class WorkerApi {
    /** Largest accepted batch id; documented in docs/worker-api.md. */
    static final int MAX_BATCH_ID_LENGTH = 128;
    /**
     * Longest a claim waits for work ({@code wait_secs} is capped to it): below Jetty's 30 s idle
     * timeout and the common proxies' read timeouts (docs/worker-api.md).
     */
    public static final long MAX_WAIT_SECS = 25;
    /** Answer header of {@code /worker/register}: the server takes {@code logs} with a completion (docs/worker-api.md). */
    public static final String COMPLETE_LOGS_HEADER = "X-Stroem-Complete-Logs";
    /** Most steps one claim takes ({@code max_steps} is capped to it); documented in docs/worker-api.md. */
    public static final int MAX_STEPS_PER_CLAIM = 64;
    /**
     * A claim counts as a heartbeat; a worker claiming many times a second writes it at most this
     * often (far below any {@code heartbeat_timeout_secs}), so claims do not queue behind that write.
     */
    static final Duration CLAIM_HEARTBEAT_EVERY = Duration.ofSeconds(1);

    private final Orchestrator orchestrator;
    private final StepDispatcher dispatcher;
    private final JobStore jobs;
    private final WorkerStore workers;
    private final JobLogWriter logs;
    private final RequestBodies bodies;
    private final LogBatchParser batches;
    private final Clock clock;
    private final Counter linesIngested;
    private final Counter bytesIngested;
    private final Timer ingestLatency;
    private final Counter claims;
    private final Timer readyToClaimed;
    private final Timer claimedToStarted;

    /** @param dispatcher where claims with {@code wait_secs} wait for work */
    public WorkerApi(Orchestrator orchestrator, StepDispatcher dispatcher, JobStore jobs, WorkerStore workers,
            JobLogWriter logs, com.fasterxml.jackson.databind.ObjectMapper json, MeterRegistry metrics, Clock clock) {
        this.orchestrator = orchestrator;
        this.dispatcher = dispatcher;
        this.jobs = jobs;
        this.workers = workers;
        this.logs = logs;
        this.bodies = new RequestBodies(json);
        this.batches = new LogBatchParser(json.getFactory());
        this.clock = clock;
        this.linesIngested = Counter.builder("stroem_log_lines_ingested").description("Log lines accepted from workers")
                .register(metrics);
        this.bytesIngested = Counter.builder("stroem_log_bytes_ingested")
                .description("Bytes of log text accepted from workers").register(metrics);
        this.ingestLatency = Timer.builder("stroem_log_ingest_latency")
                .description("Time to validate, store and publish one worker log batch").register(metrics);
        this.claims = Counter.builder("stroem_step_claims").description("Steps handed to workers").register(metrics);
        this.readyToClaimed = Timer.builder("stroem_step_ready_to_claimed")
                .description("Time from a step becoming ready to a worker's claim taking it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(metrics);
        this.claimedToStarted = Timer.builder("stroem_step_claimed_to_started")
                .description("Time from a worker's claim of a step to its report that the step started")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(metrics);
        Gauge.builder("stroem_claims_waiting", dispatcher, StepDispatcher::waiting)
                .description("Worker claims waiting for a step on this server (wait_secs)")
                .strongReference(true)
                .register(metrics);
    }

    void register(RoutesConfig routes, BearerTokens workerToken) {
        routes.before("/worker/*", ctx -> workerToken.require(ctx, false));
        routes.post("/worker/register", this::registerWorker);
        routes.post("/worker/heartbeat", this::heartbeat);
        routes.post("/worker/jobs/claim", this::claim);
        routes.post("/worker/jobs/{job_id}/steps/{step}/start", this::start);
        routes.post("/worker/jobs/{job_id}/steps/{step}/complete", this::complete);
        routes.get("/worker/jobs/{job_id}/cancelled", this::cancelled);
        routes.post("/worker/jobs/{job_id}/logs", this::ingest);
    }

    record RegisterRequest(@JsonProperty("name") String name, @JsonProperty("capabilities") List<String> capabilities,
            @JsonProperty("tags") List<String> tags, @JsonProperty("version") String version,
            @JsonProperty("exclusive") Boolean exclusive) {}

    record WorkerRef(@JsonProperty("worker_id") String workerId) {}

    /** {@code wait_secs} is our extension: absent or 0 answers at once, as the original server does. */
    record ClaimRequest(@JsonProperty("worker_id") String workerId,
            @JsonProperty("capabilities") List<String> capabilities, @JsonProperty("tags") List<String> tags,
            @JsonProperty("wait_secs") Long waitSecs, @JsonProperty("max_steps") Integer maxSteps,
            @JsonProperty("exclusive") Boolean exclusive) {}

    /** {@code logs} is our extension: the step's last log batch, written before the completion is recorded. */
    record CompleteRequest(@JsonProperty("exit_code") Integer exitCode, @JsonProperty("error") String error,
            @JsonProperty("output") Map<String, Object> output,
            @JsonProperty("logs") com.fasterxml.jackson.databind.JsonNode logs) {}

    private void registerWorker(Context ctx) {
        var req = bodies.read(ctx, RegisterRequest.class, null);
        if (req.name() == null || req.name().isBlank()) {
            throw RequestBodies.required("name");
        }
        var caps = req.capabilities() == null || req.capabilities().isEmpty() ? List.of("script") : req.capabilities();
        var tags = req.tags() == null ? List.<String>of() : req.tags();
        var now = Instant.ofEpochMilli(clock.millis());
        var id = UUID.randomUUID().toString();
        workers.register(new Worker(id, req.name(), caps, tags, req.version(), Worker.ACTIVE, now, now,
                Boolean.TRUE.equals(req.exclusive())));
        // Our extension, in a header so that the body keeps the original's exact shape: this server
        // takes a step's last log batch with its completion.
        ctx.header(COMPLETE_LOGS_HEADER, "true");
        ctx.json(Map.of("worker_id", id));
    }

    private void heartbeat(Context ctx) {
        var req = bodies.read(ctx, WorkerRef.class, null);
        String id = requireWorkerId(req.workerId());
        if (!workers.heartbeat(id, Instant.ofEpochMilli(clock.millis()))) {
            throw new NotFoundResponse("no worker with id " + id + ": register again");
        }
        ctx.json(Map.of());
    }

    private void claim(Context ctx) {
        var req = bodies.read(ctx, ClaimRequest.class, null);
        String id = requireWorkerId(req.workerId());
        if (req.waitSecs() != null && req.waitSecs() < 0) {
            throw new BadRequestResponse("wait_secs: must be 0 or more, got " + req.waitSecs());
        }
        if (req.maxSteps() != null && req.maxSteps() < 1) {
            throw new BadRequestResponse("max_steps: must be 1 or more, got " + req.maxSteps());
        }
        var worker = workers.find(id).orElseThrow(() -> new NotFoundResponse("no worker with id " + id + ": register again"));
        var caps = req.capabilities() == null || req.capabilities().isEmpty() ? worker.capabilities() : req.capabilities();
        var tags = req.tags() == null ? worker.tags() : req.tags();
        var routing = new WorkerRouting(caps, tags, req.exclusive() == null ? worker.exclusive() : req.exclusive());
        var now = Instant.ofEpochMilli(clock.millis());
        if (!Worker.ACTIVE.equals(worker.status()) || worker.lastHeartbeat() == null
                || !worker.lastHeartbeat().plus(CLAIM_HEARTBEAT_EVERY).isAfter(now)) {
            workers.heartbeat(id, now);
        }
        long waitSecs = req.waitSecs() == null ? 0 : Math.min(req.waitSecs(), MAX_WAIT_SECS);
        Integer batch = req.maxSteps() == null ? null : Math.min(req.maxSteps(), MAX_STEPS_PER_CLAIM);
        int max = batch == null ? 1 : batch;
        if (waitSecs == 0) {
            ctx.json(claimAnswer(orchestrator.claim(id, routing, max), null, batch != null));
            return;
        }
        // Answered when a step is ready for this worker or the wait is over; no thread waits meanwhile.
        var answer = dispatcher.claim(id, routing, max, Duration.ofSeconds(waitSecs));
        ctx.future(() -> answer.thenAccept(claimed -> ctx.json(claimAnswer(claimed, waitSecs, batch != null))));
    }

    /**
     * The claim's answer: the step, or the original's "no work" shape; a claim that waited says
     * how long it could have ({@code wait_secs}), so a worker knows this server waits and asks again at once.
     */
    /**
     * A claim that asked for {@code max_steps} also gets {@code steps}: every step it took (the
     * first one is the top level as well, so the original's shape holds).
     */
    private Map<String, Object> claimAnswer(List<ClaimedStep> claimed, Long waitedSecs, boolean batch) {
        Map<String, Object> answer;
        if (claimed.isEmpty()) {
            answer = new LinkedHashMap<>();
            answer.put("job_id", null);
            answer.put("step_name", null);
            answer.put("action_spec", null);
            if (waitedSecs != null) {
                answer.put("wait_secs", waitedSecs);
            }
        } else {
            answer = claimResponse(claimed.get(0));
        }
        if (batch) {
            answer.put("steps", claimed.stream().map(WorkerApi::claimResponse).toList());
        }
        for (var step : claimed) {
            claims.increment();
            if (step.readyAt() != null && step.claimedAt() != null && !step.claimedAt().isBefore(step.readyAt())) {
                readyToClaimed.record(Duration.between(step.readyAt(), step.claimedAt()));
            }
        }
        return answer;
    }

    private static Map<String, Object> claimResponse(ClaimedStep s) {
        var spec = new LinkedHashMap<String, Object>();
        spec.put("script", s.script());
        spec.put("env", s.env());
        // The rest of a script action as the original passes it; left out when not set, so an
        // inline shell step keeps the original's two-key shape.
        var action = s.action();
        if (action != null) {
            putIfSet(spec, "source", action.source());
            putIfSet(spec, "language", action.language());
            putIfSet(spec, "interpreter", action.interpreter());
            if (!action.args().isEmpty()) {
                spec.put("args", action.args());
            }
            if (!action.dependencies().isEmpty()) {
                spec.put("dependencies", action.dependencies());
            }
        }
        var out = new LinkedHashMap<String, Object>();
        out.put("job_id", s.jobId());
        out.put("workspace", s.workspace());
        out.put("task_name", s.taskName());
        out.put("step_name", s.stepName());
        out.put("action_name", s.actionName());
        out.put("action_type", s.actionType());
        out.put("runner", "local");
        out.put("action_spec", spec);
        out.put("input", s.input());
        out.put("timeout_secs", s.timeoutSecs());
        // Our addition: the workspace revision the step runs on, to download with ?revision=.
        out.put("revision", s.revision());
        // Our addition: the latest state snapshots (null: none), so a worker asks only for state that
        // exists — for most steps two requests fewer. Left out when this claim did not read them.
        if (s.state() != null) {
            var state = new LinkedHashMap<String, Object>();
            state.put("task", s.state().task());
            state.put("global", s.state().global());
            out.put("state", state);
        }
        return out;
    }

    private static void putIfSet(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private void start(Context ctx) {
        var req = bodies.read(ctx, WorkerRef.class, null);
        String jobId = ctx.pathParam("job_id");
        String step = ctx.pathParam("step");
        orchestrator.startStep(jobId, step, requireWorkerId(req.workerId())).ifPresent(claimedToStarted::record);
        dispatcher.started(jobId, step);
        ctx.json(Map.of());
    }

    private void complete(Context ctx) {
        var req = bodies.read(ctx, CompleteRequest.class, null);
        if (req.exitCode() == null) {
            throw RequestBodies.required("exit_code");
        }
        String jobId = ctx.pathParam("job_id");
        String step = ctx.pathParam("step");
        if (req.logs() == null || req.logs().isNull()) {
            orchestrator.completeStep(jobId, step, req.exitCode(), req.error(), req.output());
            ctx.json(Map.of());
            return;
        }
        // The step's last batch, one round trip with its completion: written first (exactly once, by
        // its batch id, as through /logs), so the completion reads the step's output with it and a
        // completion repeated after a lost answer writes nothing twice.
        long started = System.nanoTime();
        var batch = batches.parseCompletionLogs(req.logs(), step, clock.instant());
        if (batch.batchId() == null) {
            throw RequestBodies.required("logs.batch_id"); // what makes a repeated completion write its lines once
        }
        var result = append(jobId, batch, "logs.");
        ingestLatency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        orchestrator.completeStep(jobId, step, req.exitCode(), req.error(), req.output());
        ctx.json(Map.of("logs", Map.of("accepted", batch.lines().size(), "duplicate", result.duplicate())));
    }

    private void cancelled(Context ctx) {
        ctx.json(Map.of("cancelled", orchestrator.isCancelled(ctx.pathParam("job_id"))));
    }

    private void ingest(Context ctx) {
        long started = System.nanoTime();
        String jobId = ctx.pathParam("job_id");
        var batch = batches.parse(ctx.bodyAsBytes(), clock.instant());
        var result = append(jobId, batch, "");
        ingestLatency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        ctx.json(Map.of("accepted", batch.lines().size(), "duplicate", result.duplicate()));
    }

    /** Checks a parsed batch against the job and writes it (once per batch id). */
    private dev.stroem.logs.AppendResult append(String jobId, LogBatchParser.Batch batch, String fieldPrefix) {
        if (batch.batchId() != null && (batch.batchId().isBlank() || batch.batchId().length() > MAX_BATCH_ID_LENGTH)) {
            throw new BadRequestResponse(fieldPrefix + "batch_id: must be 1 to " + MAX_BATCH_ID_LENGTH + " characters");
        }
        // Validation happens before anything is written: a bad request changes nothing.
        if (!jobs.hasStep(jobId, batch.stepName())) {
            throw jobs.findJob(jobId).isEmpty()
                    ? new NotFoundResponse("no job with id " + jobId)
                    : new NotFoundResponse("job " + jobId + " has no step named \"" + batch.stepName() + "\"");
        }
        dev.stroem.logs.AppendResult result;
        try {
            result = logs.appendBatch(jobId, batch.batchId(), batch.lines());
        } catch (IllegalArgumentException e) {
            // A name the log store refuses (a job from before the workspace rule): the worker must
            // not retry it for ever, so it is a client error, never a 500.
            throw new HttpResponseException(422, e.getMessage());
        }
        if (!result.duplicate()) {
            linesIngested.increment(result.count());
            bytesIngested.increment(batch.textBytes());
        }
        return result;
    }

    private static String requireWorkerId(String workerId) {
        if (workerId == null || workerId.isBlank()) {
            throw RequestBodies.required("worker_id");
        }
        return workerId;
    }
}
