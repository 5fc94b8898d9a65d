package dev.stroem.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.workflow.JobPlanner;
import dev.stroem.workflow.RenderedAction;
import dev.stroem.workflow.TemplateException;
import dev.stroem.workflow.WorkspaceCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives jobs through their DAG: creates them from a task, hands ready steps to workers,
 * records what workers report, cascades failures, and ends jobs. Every state change of a job
 * happens in one locked transaction of {@link JobStore#inJob}; what must happen after a job
 * ended (hooks, archival) is handed to the {@link JobFinalizer} once that transaction committed.
 */
public final class Orchestrator {
    private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);
    private static final int CLAIM_CANDIDATES = 50;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final JobStore jobs;
    private final WorkspaceCatalog catalog;
    private final JobPlanner planner;
    private final StepOutputReader outputs;
    private final JobLogWriter logs;
    private final JobFinalizer finalizer;
    private final FlowTemplates templates;
    private final StateValues stateValues;
    private final ObjectMapper json;
    private final Clock clock;
    /** Jitter of retry delays; not a secret, so a plain generator. */
    private final java.util.random.RandomGenerator random = new java.util.SplittableRandom();

    public Orchestrator(JobStore jobs, WorkspaceCatalog catalog, JobPlanner planner, StepOutputReader outputs,
            JobLogWriter logs, JobFinalizer finalizer, ObjectMapper json, Clock clock) {
        this(jobs, catalog, planner, outputs, logs, finalizer, json, clock, StateValues.NONE);
    }

    /** @param stateValues the task and global state values a step's templates see when it is claimed */
    public Orchestrator(JobStore jobs, WorkspaceCatalog catalog, JobPlanner planner, StepOutputReader outputs,
            JobLogWriter logs, JobFinalizer finalizer, ObjectMapper json, Clock clock, StateValues stateValues) {
        this.stateValues = stateValues;
        this.jobs = jobs;
        this.catalog = catalog;
        this.planner = planner;
        this.outputs = outputs;
        this.logs = logs;
        this.finalizer = finalizer;
        this.templates = new FlowTemplates(planner, ws -> catalog.snapshot().workspace(ws)
                .map(dev.stroem.workflow.Workspace::secrets).orElse(Map.of()), this::templateStates);
        this.json = json;
        this.clock = clock;
    }

    /**
     * Creates a job of a task with the given input (defaults applied, required fields checked).
     *
     * @throws JobNotFoundException when the workspace or task does not exist
     * @throws dev.stroem.workflow.InputException when the input does not fit the task's schema
     */
    public String createJob(String workspaceName, String taskName, Map<String, Object> given, String sourceType) {
        return createJob(workspaceName, taskName, given, sourceType, null);
    }

    /**
     * As {@link #createJob(String, String, Map, String)}, recording {@code sourceJobId} (may be
     * null) as the job this one re-runs.
     */
    public String createJob(String workspaceName, String taskName, Map<String, Object> given, String sourceType,
            String sourceJobId) {
        return createJob(UUID.randomUUID().toString(), workspaceName, taskName, given, sourceType, null, sourceJobId,
                null);
    }

    /**
     * Creates a job under a job id chosen by the caller (a trigger derives it from the fire, so that
     * a fire retried after a crash finds its job instead of creating a second one), with the
     * {@code sourceId} of what created it.
     *
     * @see #createJob(String, String, Map, String)
     */
    public String createJob(String jobId, String workspaceName, String taskName, Map<String, Object> given,
            String sourceType, String sourceId) {
        return createJob(jobId, workspaceName, taskName, given, sourceType, sourceId, null, null);
    }

    /**
     * Creates the job that retries a failed job of a task with {@code retry}, once: its id is
     * derived from the failed job's, so a second call (a crash between creating and linking it,
     * two servers) finds it instead of making another. It keeps the failed job's task, input and
     * source, and links both ways ({@code retry_of_job_id}, {@code retry_job_id}).
     *
     * @return the retry job's id, or empty when it cannot be created (the task or its input no
     *     longer loads): the chain then ends with the failed job, which says why in its log
     */
    public Optional<String> createRetryJob(Job failed) {
        String retryId = UUID.nameUUIDFromBytes(("retry:" + failed.jobId()).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
        var chain = failed.retry();
        String attempt = "retry " + (chain.attempt() + 1) + " of " + chain.maxRetries();
        if (jobs.findJob(retryId).isEmpty()) {
            try {
                createJob(retryId, failed.workspace(), failed.taskName(), failed.rawInput() != null ? failed.rawInput()
                        : failed.input(), failed.sourceType(), failed.sourceId(), failed.sourceJobId(),
                        chain.next(failed.jobId()));
            } catch (JobNotFoundException | dev.stroem.workflow.InputException e) {
                logs.serverEvent(failed.jobId(), "retry-job:" + failed.jobId(), "orchestrator",
                        "The task retry (" + attempt + ") could not be created: " + e.getMessage());
                jobs.cancelJobRetry(failed.jobId());
                return Optional.empty();
            }
            logs.serverEvent(retryId, "retry-of:" + retryId, "orchestrator",
                    "This job is " + attempt + " of failed job " + failed.jobId());
        }
        if (jobs.linkRetry(failed.jobId(), retryId)) {
            logs.serverEvent(failed.jobId(), "retry-job:" + failed.jobId(), "orchestrator",
                    "Task retry (" + attempt + ") created as job " + retryId);
            log.info("job {} retried as job {} ({})", failed.jobId(), retryId, attempt);
        }
        return Optional.of(retryId);
    }

    private String createJob(String jobId, String workspaceName, String taskName, Map<String, Object> given,
            String sourceType, String sourceId, String sourceJobId, JobRetry retryOf) {
        var workspace = catalog.snapshot().workspace(workspaceName)
                .orElseThrow(() -> new JobNotFoundException("no workspace named \"" + workspaceName + "\""));
        var task = workspace.task(taskName)
                .orElseThrow(() -> new JobNotFoundException("no task named \"" + taskName + "\" in workspace \""
                        + workspaceName + "\""));
        var input = planner.resolveTaskInput(workspace, task, given == null ? Map.of() : given);
        var snapshot = catalog.snapshot();
        var steps = task.steps().stream().map(s -> newStep(snapshot, s)).toList();
        // Hook jobs are made by the finaliser and never retried; every other job of a task with retry may be.
        var retry = retryOf != null ? retryOf : JobRetry.first(task.retry());
        // The revision goes in with the job's row: its steps render from it however the folder moves on.
        var job = new Job(jobId, workspaceName, taskName, JobStatus.PENDING, input, sourceType, sourceId, null,
                task.timeoutSeconds(), null, null, now(), null, null, given == null ? Map.of() : given, sourceJobId,
                retry, workspace.revision());
        jobs.createJob(job, steps);
        log.info("job {} created: {}/{} ({} steps)", jobId, workspaceName, taskName, steps.size());
        if (steps.stream().allMatch(NewStep::readyAtCreation)) {
            if (steps.isEmpty()) {
                advance(jobId);
            }
        } else {
            advance(jobId); // root conditions are decided at creation, as in the original
        }
        return jobId;
    }

    /**
     * A step of a new job. A step referencing another workspace's action ({@code ws.name}) takes
     * that action's type and tags, and records that workspace at its current revision: the step
     * renders and runs there however either workspace changes while the job runs.
     *
     * @throws dev.stroem.workflow.InputException (400) when the referenced workspace or action does not exist
     */
    private static NewStep newStep(dev.stroem.workflow.CatalogSnapshot snapshot, dev.stroem.workflow.FlowStep s) {
        var ref = s.action();
        if (!ref.crossWorkspace()) {
            return new NewStep(s.name(), s.actionName(), ref.type(), s.dependsOn(), s.continueOnFailure(),
                    s.timeoutSeconds(), ref.tags(), StepControls.of(s));
        }
        var ownerWs = snapshot.workspace(ref.ownerWorkspace()).orElseThrow(() -> new dev.stroem.workflow.InputException(
                "step '" + s.name() + "' references action '" + ref.name() + "', but there is no workspace '"
                        + ref.ownerWorkspace() + "'"));
        var action = ownerWs.action(ref.ownerAction()).orElseThrow(() -> new dev.stroem.workflow.InputException(
                "step '" + s.name() + "' references action '" + ref.name() + "', but workspace '"
                        + ownerWs.name() + "' has no action '" + ref.ownerAction() + "'"));
        return new NewStep(s.name(), s.actionName(), action.type(), s.dependsOn(), s.continueOnFailure(),
                s.timeoutSeconds(), action.tags(), StepControls.of(s), new ActionOwner(ownerWs.name(), ownerWs.revision()));
    }

    /**
     * Records a job that never runs: a trigger fire skipped by its concurrency policy, kept for
     * visibility as the original does. It is {@code skipped}, has no steps and is finalised at once.
     */
    public void recordSkipped(String jobId, String workspaceName, String taskName, Map<String, Object> input,
            String sourceType, String sourceId, String reason) {
        Instant now = now();
        jobs.createFinishedJob(new Job(jobId, workspaceName, taskName, JobStatus.SKIPPED, input, sourceType, sourceId,
                null, null, reason, null, now, null, now, input, null));
        log.info("job {} recorded as skipped: {}/{} ({})", jobId, workspaceName, taskName, reason);
    }

    /**
     * Gives the oldest ready step this worker can run to this worker, rendered. A step whose
     * rendering fails is failed with an {@code [orchestrator]} event and the next one is tried.
     */
    public Optional<ClaimedStep> claim(String workerId, List<String> capabilities, List<String> tags) {
        return claim(workerId, capabilities, tags, 1).stream().findFirst();
    }

    /**
     * As {@link #claim(String, List, List)}, for up to {@code max} steps at once (a worker with
     * that many free slots), oldest first; empty when none is ready for this worker.
     */
    public List<ClaimedStep> claim(String workerId, List<String> capabilities, List<String> tags, int max) {
        return claim(workerId, new WorkerRouting(capabilities, tags, false), max);
    }

    /** As {@link #claim(String, List, List, int)}, for a worker routed by {@code routing}. */
    public List<ClaimedStep> claim(String workerId, WorkerRouting routing, int max) {
        var claimed = new java.util.ArrayList<ClaimedStep>();
        for (var candidate : jobs.claimCandidates(Math.max(CLAIM_CANDIDATES, max), now())) {
            if (claimed.size() >= max) {
                break;
            }
            if (!routing.accepts(candidate.actionType(), candidate.requiredTags())) {
                continue;
            }
            // One transaction claims, renders and records the step: a step whose rendering fails
            // was never claimed (the transaction changed nothing) and is failed after it.
            var attempt = jobs.inJob(candidate.jobId(), tx -> claimInJob(tx, candidate.stepName(), workerId))
                    .orElse(ClaimAttempt.TAKEN);
            if (attempt.step() != null) {
                claimed.add(attempt.step());
                // Committed now: the names the claim read spare its completion a query.
                jobs.rememberStepNames(candidate.jobId(), attempt.stepNames());
            } else if (attempt.failure() != null) {
                failStep(candidate.jobId(), candidate.stepName(), "orchestrator", attempt.failure());
            }
        }
        return claimed;
    }

    /** A claim of one step: the step, or why it could not start, or neither (taken meanwhile). */
    private record ClaimAttempt(ClaimedStep step, String failure, List<String> stepNames) {
        static final ClaimAttempt TAKEN = new ClaimAttempt(null, null, List.of());

        static ClaimAttempt failed(String failure) {
            return new ClaimAttempt(null, failure, List.of());
        }
    }

    private ClaimAttempt claimInJob(JobStore.JobTransaction tx, String stepName, String workerId) {
        // One read of the job's steps serves both: the step to claim, and the outputs it renders from.
        var steps = tx.steps();
        var step = steps.stream().filter(s -> s.stepName().equals(stepName)).findFirst().orElse(null);
        if (step == null || step.status() != StepStatus.READY) {
            return ClaimAttempt.TAKEN; // another claim (or a cancellation) was first
        }
        Instant retryAt = step.control().retry().retryAt();
        if (retryAt != null && retryAt.isAfter(now())) {
            return ClaimAttempt.TAKEN; // its next attempt is not due yet
        }
        var job = tx.job();
        // Only hook jobs are created with their action rendered in advance (JobFinalizer).
        var stored = Job.SOURCE_HOOK.equals(job.sourceType()) ? tx.renderedAction(stepName) : Optional.<String>empty();
        RenderedAction action;
        ClaimedStep.StateSnapshots snapshots = null;
        try {
            if (stored.isPresent()) {
                action = readRendered(stored.get());
            } else {
                // Read once: the templates render with these snapshots' values, and the claim names
                // them, so the worker downloads exactly the state its templates saw (or nothing).
                var taskState = stateValues.latest(job.workspace(), job.taskName());
                var globalState = stateValues.latest(job.workspace(), null);
                action = renderFromWorkflow(job, step, steps, new dev.stroem.workflow.TemplateStates(
                        taskState.map(StateValues.Latest::values).orElse(null),
                        globalState.map(StateValues.Latest::values).orElse(null)));
                // A cross-workspace step's worker reads its owner workspace's state, which was not read here.
                if (stateValues.known() && step.owner() == null) {
                    snapshots = new ClaimedStep.StateSnapshots(taskState.map(StateValues.Latest::snapshotId).orElse(null),
                            globalState.map(StateValues.Latest::snapshotId).orElse(null));
                }
            }
        } catch (TemplateException | IllegalArgumentException | IllegalStateException e) {
            return ClaimAttempt.failed("Step '" + stepName + "' could not start: " + e.getMessage());
        } catch (RuntimeException e) {
            log.error("job {} step {}: rendering failed", job.jobId(), stepName, e);
            return ClaimAttempt.failed("Step '" + stepName + "' could not start: " + e);
        }
        Instant claimedAt = now();
        if (!tx.claimStep(stepName, workerId, claimedAt, action.input())) {
            return ClaimAttempt.TAKEN;
        }
        if (job.status() == JobStatus.PENDING) {
            tx.markJobRunning(claimedAt);
        }
        // A cross-workspace step runs on its owner's files: the claim names that workspace and revision.
        String workspace = step.owner() == null ? job.workspace() : step.owner().workspace();
        String revision = step.owner() == null ? job.revision() : step.owner().revision();
        return new ClaimAttempt(new ClaimedStep(job.jobId(), workspace, job.taskName(), stepName,
                step.actionName(), step.actionType(), action.script(), action.env(), action.input(), step.timeoutSecs(),
                step.readyAt(), claimedAt, revision, action, snapshots), null,
                steps.stream().map(JobStep::stepName).toList());
    }

    private RenderedAction renderFromWorkflow(Job job, JobStep step, List<JobStep> steps,
            dev.stroem.workflow.TemplateStates states) {
        // The job's own revision: a step renders as the workspace was when its job was created.
        var workspace = catalog.workspace(job.workspace(), job.revision())
                .orElseThrow(() -> new IllegalStateException(catalog.snapshot().workspace(job.workspace()).isEmpty()
                        ? "workspace '" + job.workspace() + "' is no longer loaded"
                        : "revision " + job.revision() + " of workspace '" + job.workspace() + "' is no longer stored"));
        var task = workspace.task(job.taskName())
                .orElseThrow(() -> new IllegalStateException("task '" + job.taskName() + "' is no longer loaded"));
        var loop = step.control().loop();
        String flowName = loop == null ? step.stepName() : loop.source();
        var flowStep = task.step(flowName)
                .orElseThrow(() -> new IllegalStateException("step '" + flowName
                        + "' is no longer in task '" + job.taskName() + "'"));
        if (!flowStep.actionName().equals(step.actionName())) {
            throw new IllegalStateException("its action '" + step.actionName() + "' was replaced by '"
                    + flowStep.actionName() + "' on reload");
        }
        var stepOutputs = FlowTemplates.outputs(steps);
        dev.stroem.workflow.Action ownerAction = null;
        var actionHome = workspace;
        if (step.owner() != null) {
            var owner = step.owner();
            var ownerWs = catalog.workspace(owner.workspace(), owner.revision())
                    .orElseThrow(() -> new IllegalStateException("revision " + owner.revision() + " of workspace '"
                            + owner.workspace() + "' is no longer stored"));
            String name = step.actionName().substring(step.actionName().indexOf('.') + 1);
            ownerAction = ownerWs.action(name).orElseThrow(() -> new IllegalStateException("workspace '"
                    + owner.workspace() + "' has no action '" + name + "' at revision " + owner.revision()));
            // Its connection-typed inputs name the owner's connections, as the original resolves them.
            actionHome = ownerWs;
        }
        return planner.renderStep(workspace, task, flowName, job.input(), stepOutputs,
                loop == null ? null : JobPlanner.each(loop.item(), loop.index()), ownerAction, actionHome, states);
    }

    /**
     * The state values as the job's templates see them now: resolved at claim time, so a step sees
     * what an earlier step of the same job saved, as in the original.
     */
    private dev.stroem.workflow.TemplateStates templateStates(Job job) {
        return new dev.stroem.workflow.TemplateStates(
                stateValues.latest(job.workspace(), job.taskName()).map(StateValues.Latest::values).orElse(null),
                stateValues.latest(job.workspace(), null).map(StateValues.Latest::values).orElse(null));
    }

    private RenderedAction readRendered(String stored) {
        try {
            var map = json.readValue(stored, MAP);
            @SuppressWarnings("unchecked")
            var input = (Map<String, Object>) map.getOrDefault("input", Map.of());
            @SuppressWarnings("unchecked")
            var env = (Map<String, String>) map.getOrDefault("env", Map.of());
            @SuppressWarnings("unchecked")
            var args = (List<String>) map.getOrDefault("args", List.of());
            @SuppressWarnings("unchecked")
            var dependencies = (List<String>) map.getOrDefault("dependencies", List.of());
            return new RenderedAction((String) map.get("action_name"), input, (String) map.get("script"), env,
                    (String) map.get("source"), (String) map.get("language"), (String) map.get("interpreter"),
                    args == null ? List.of() : args, dependencies == null ? List.of() : dependencies);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored hook action is corrupt: " + e.getMessage(), e);
        }
    }

    /** A stored form of a pre-rendered action (hook jobs). */
    static Map<String, Object> storedForm(RenderedAction action) {
        var map = new LinkedHashMap<String, Object>();
        map.put("action_name", action.actionName());
        map.put("input", action.input());
        map.put("script", action.script());
        map.put("env", action.env());
        map.put("source", action.source());
        map.put("language", action.language());
        map.put("interpreter", action.interpreter());
        map.put("args", action.args());
        map.put("dependencies", action.dependencies());
        return map;
    }

    /**
     * A worker started a step it claimed.
     *
     * @return the time from its claim to this start, when this call started it (empty when it had
     *     started already, was cancelled meanwhile, or its claim time is unknown)
     */
    public Optional<Duration> startStep(String jobId, String stepName, String workerId) {
        // The step's row decides; the job's row is neither read nor written.
        return jobs.inStep(jobId, stepName, (tx, step) -> {
            if (step.status().isTerminal()) {
                return Optional.<Duration>empty(); // cancelled meanwhile: the worker learns it from /cancelled
            }
            if (step.status() != StepStatus.RUNNING || !workerId.equals(step.workerId())) {
                throw new JobConflictException("step '" + stepName + "' is " + step.status().wireName()
                        + " and not claimed by worker " + workerId);
            }
            Instant now = now();
            // The job is running already: its claim marked it so in the same transaction (and
            // V19_70 did for the steps claimed before claims did), so only the step's row changes.
            tx.markStepStarted(stepName, now);
            return step.startedAt() != null || step.claimedAt() == null ? Optional.<Duration>empty()
                    : Optional.of(Duration.between(step.claimedAt(), now));
        }).orElseThrow(() -> unknownJobOrStep(jobId, stepName));
    }

    /** The error for a step that was not found: its job is unknown, or the job has no such step. */
    private JobNotFoundException unknownJobOrStep(String jobId, String stepName) {
        return jobs.findJob(jobId).isEmpty() ? unknownJob(jobId) : unknownStep(jobId, stepName);
    }

    /**
     * A worker finished a step. The output comes from the step's log ({@code OUTPUT:} lines);
     * {@code reportedOutput} is used only when the log has none. Repeating it changes nothing.
     */
    public void completeStep(String jobId, String stepName, int exitCode, String error,
            Map<String, Object> reportedOutput) {
        // Before its log is read: an unknown job or step (or a name no log file may have) is a 404.
        // Ingest has remembered the job's step names, so this usually asks the database nothing.
        if (!jobs.hasStep(jobId, stepName)) {
            throw unknownJobOrStep(jobId, stepName);
        }
        boolean success = exitCode == 0 && (error == null || error.isBlank());
        Map<String, Object> output = success
                ? outputs.read(jobId, stepName).orElse(reportedOutput)
                : null;
        String message = success ? null
                : (error == null || error.isBlank()) ? "Command exited with code " + exitCode : error;
        // The step's row first: a repeated report ends there without reading the job's row.
        var result = jobs.inStep(jobId, stepName, (tx, step) -> {
            if (step.status().isTerminal()) {
                return Advance.NOTHING;
            }
            if (step.status() == StepStatus.READY && step.control().retry().attempt() > 0) {
                return Advance.NOTHING; // a repeated report of the attempt that is being retried
            }
            if (step.status() != StepStatus.RUNNING) {
                throw new JobConflictException("step '" + stepName + "' is " + step.status().wireName()
                        + ", not running: it cannot complete");
            }
            var events = new java.util.ArrayList<Event>();
            if (!success && retryInstead(tx, step, message, events)) {
                return new Advance(false, events);
            }
            tx.finishStep(stepName, success ? StepStatus.COMPLETED : StepStatus.FAILED, exitCode, message, output, now());
            if (!success) {
                exhausted(step, message, events);
            }
            return new Advance(advance(tx, events), events);
        }).orElseThrow(() -> unknownJobOrStep(jobId, stepName));
        log.info("job {} step {} {} (exit code {})", jobId, stepName, success ? "completed" : "failed", exitCode);
        finish(jobId, result);
    }

    /** A server event of the orchestrator, with the id that makes it written once. */
    private record Event(String id, String message) {}

    /** What a job transaction decided: whether it ended the job, and the events to write after its commit. */
    private record Advance(boolean ended, List<Event> events) {
        static final Advance NOTHING = new Advance(false, List.of());
    }

    /** Writes a committed transaction's events, then hands an ended job to the finaliser (events first: they belong in its archive). */
    private void finish(String jobId, Advance result) {
        for (var event : result.events()) {
            logs.serverEvent(jobId, event.id(), "orchestrator", event.message());
        }
        if (result.ended()) {
            finalizer.submit(jobId);
        }
    }

    /**
     * A failed attempt of a step with attempts left: the step is ready again for its next attempt
     * once the backoff passed (stored in the row, so a restart neither loses nor repeats it).
     *
     * @return false when the step has no attempt left (it fails)
     */
    private boolean retryInstead(JobStore.JobTransaction tx, JobStep step, String error, List<Event> events) {
        var retry = step.control().retry();
        if (!retry.hasAttemptsLeft() || tx.job().status().isTerminal()) {
            return false;
        }
        Instant now = now();
        int next = retry.attempt() + 1;
        long delay = dev.stroem.workflow.RetryPolicy.delayMillis(retry.backoffSecs() == null ? 0 : retry.backoffSecs(),
                retry.strategy(), retry.jitter(), next, random);
        Instant at = now.plusMillis(delay);
        var history = new java.util.ArrayList<>(retry.history());
        var attempt = new LinkedHashMap<String, Object>();
        attempt.put("attempt", retry.attempt());
        attempt.put("error", error);
        attempt.put("started_at", step.startedAt() == null ? null : step.startedAt().toString());
        attempt.put("failed_at", now.toString());
        history.add(attempt);
        if (!tx.retryStep(step.stepName(), next, history, at)) {
            return false;
        }
        int attempts = retry.maxRetries() + 1;
        events.add(new Event("retry:" + step.jobId() + ":" + step.stepName() + ":" + next,
                "Step '" + step.stepName() + "' failed (attempt " + next + " of " + attempts + "): " + error
                        + "; attempt " + (next + 1) + " in " + describeMillis(delay)));
        log.info("job {} step {}: attempt {} of {} failed, next at {}", step.jobId(), step.stepName(), next, attempts, at);
        return true;
    }

    /** A step with retries that failed for good says so once. */
    private static void exhausted(JobStep step, String error, List<Event> events) {
        var retry = step.control().retry();
        if (retry.maxRetries() != null && retry.maxRetries() > 0) {
            events.add(new Event("retry-exhausted:" + step.jobId() + ":" + step.stepName(), "Step '" + step.stepName()
                    + "' failed after " + (retry.attempt() + 1) + " attempts: " + error));
        }
    }

    static String describeMillis(long millis) {
        if (millis % 1000 == 0) {
            return RecoverySweeper.describe(millis / 1000);
        }
        return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
    }

    /**
     * Fails a step for a reason the server found (orchestration error, recovery), writing
     * {@code [source] message} into the job's log first, then cascades as for any failure.
     *
     * @return false when the step had already ended (nothing is written then)
     */
    public boolean failStep(String jobId, String stepName, String source, String message) {
        var open = jobs.steps(jobId).stream()
                .filter(s -> s.stepName().equals(stepName) && !s.status().isTerminal())
                .findFirst();
        if (open.isEmpty()) {
            return false;
        }
        // Written before the step ends, so that it precedes the job's finalisation and archival. The
        // event id names this run of the step (when it became ready), so a retry writes it once.
        logs.serverEvent(jobId, ServerEventIds.stepFailed(open.get()), source, message);
        var outcome = jobs.inJob(jobId, tx -> {
            var step = tx.step(stepName).orElse(null);
            if (step == null || step.status().isTerminal()) {
                return Optional.<Advance>empty();
            }
            var events = new java.util.ArrayList<Event>();
            if (retryInstead(tx, step, message, events)) {
                return Optional.of(new Advance(false, events));
            }
            if (!tx.finishStep(stepName, StepStatus.FAILED, null, message, null, now())) {
                return Optional.<Advance>empty();
            }
            exhausted(step, message, events);
            return Optional.of(new Advance(advance(tx, events), events));
        }).flatMap(a -> a);
        outcome.ifPresent(a -> finish(jobId, a));
        return outcome.isPresent();
    }

    /**
     * Puts a step that {@code workerId} claimed but never started back to ready, with a
     * {@code [source] message} event: nothing of it ran, so another worker may take it.
     *
     * @return false when the step was started, ended or claimed by someone else meanwhile
     */
    public boolean requeueUnstarted(String jobId, String stepName, String workerId, String source, String message) {
        var seen = jobs.steps(jobId).stream().filter(s -> s.stepName().equals(stepName)).findFirst().orElse(null);
        if (seen == null || seen.status() != StepStatus.RUNNING || seen.startedAt() != null
                || !workerId.equals(seen.workerId())) {
            return false;
        }
        // The claim's time tells this claim from a later one of the same step: its event is written once.
        // Written before the step is ready again, so whoever takes it next (a waiting claim, at once)
        // finds the reason already in the log; a requeue that then loses a race leaves only the event.
        Instant claimedAt = seen.claimedAt() == null ? Instant.EPOCH : seen.claimedAt();
        logs.serverEvent(jobId, ServerEventIds.requeued(jobId, stepName, claimedAt), source, message);
        return jobs.inJob(jobId, tx -> {
            var step = tx.step(stepName).orElse(null);
            if (step == null || step.status() != StepStatus.RUNNING || step.startedAt() != null
                    || !workerId.equals(step.workerId()) || !java.util.Objects.equals(step.claimedAt(), seen.claimedAt())) {
                return false;
            }
            tx.requeueStep(stepName, now());
            return true;
        }).orElse(false);
    }

    /** Cancels a pending or running job: its steps stop, and workers learn it from {@code /cancelled}. */
    public void cancel(String jobId, String by) {
        var job = jobs.findJob(jobId).orElseThrow(() -> unknownJob(jobId));
        if (job.status().isTerminal()) {
            throw new JobConflictException("job " + jobId + " already ended (" + job.status().wireName() + ")");
        }
        logs.serverEvent(jobId, ServerEventIds.cancelled(jobId), "orchestrator", "Job cancelled by " + by);
        boolean ended = cancelSteps(jobId, "Cancelled by " + by, by);
        if (!ended) {
            throw new JobConflictException("job " + jobId + " ended before it could be cancelled");
        }
        finalizer.submit(jobId);
    }

    /** Cancels a job that ran past its timeout (recovery); false when it had already ended. */
    public boolean cancelForTimeout(String jobId, String message) {
        if (jobs.findJob(jobId).map(j -> j.status().isTerminal()).orElse(true)) {
            return false;
        }
        logs.serverEvent(jobId, ServerEventIds.timedOut(jobId), "recovery", message);
        boolean ended = cancelSteps(jobId, message, "recovery");
        if (ended) {
            finalizer.submit(jobId);
        }
        return ended;
    }

    private boolean cancelSteps(String jobId, String reason, String by) {
        return jobs.inJob(jobId, tx -> {
            if (tx.job().status().isTerminal()) {
                return false;
            }
            for (var step : tx.steps()) {
                if (!step.status().isTerminal()) {
                    tx.finishStep(step.stepName(), StepStatus.CANCELLED, null, reason, null, now());
                }
            }
            return tx.finishJob(JobStatus.CANCELLED, reason, by, now());
        }).orElse(false);
    }

    /** True when a worker should kill what it runs for this job. */
    public boolean isCancelled(String jobId) {
        return jobs.findJob(jobId).orElseThrow(() -> unknownJob(jobId)).status() == JobStatus.CANCELLED;
    }

    /** Re-evaluates a job's DAG: the recovery sweeper's safety net, and for jobs without steps. */
    public void advance(String jobId) {
        jobs.inJob(jobId, tx -> {
            var events = new java.util.ArrayList<Event>();
            return new Advance(advance(tx, events), events);
        }).ifPresent(result -> finish(jobId, result));
    }

    /**
     * Applies the DAG's consequences; true when this transaction ended the job. What conditions,
     * loops and a task retry decided is added to {@code events}.
     */
    private boolean advance(JobStore.JobTransaction tx, List<Event> events) {
        if (tx.job().status().isTerminal()) {
            return false;
        }
        var steps = tx.steps();
        var outputs = FlowTemplates.outputs(steps);
        var eval = DagEvaluation.of(steps, templates.conditions(tx.job(), outputs), templates.loops(tx.job(), outputs));
        Instant now = now();
        String jobId = tx.job().jobId();
        eval.decisions().forEach((name, decision) ->
                events.add(new Event("flow:" + jobId + ":" + name, "Step '" + name + "': " + decision)));
        eval.expansions().forEach((name, items) -> {
            var placeholder = steps.stream().filter(st -> st.stepName().equals(name)).findFirst().orElseThrow();
            tx.expandLoop(name, FlowTemplates.instances(placeholder, items), placeholder.control().sequential(), now);
        });
        for (var name : eval.ready()) {
            tx.markStepReady(name, now);
        }
        eval.loopsCompleted().forEach((name, loopOutputs) ->
                tx.finishStep(name, StepStatus.COMPLETED, null, null, loopOutputs, now));
        for (var name : eval.skipped()) {
            tx.finishStep(name, StepStatus.SKIPPED, null, eval.skipReasons().get(name), null, now);
        }
        eval.failed().forEach((name, error) -> tx.finishStep(name, StepStatus.FAILED, null, error, null, now));
        if (eval.jobOutcome().isEmpty()) {
            return false;
        }
        var outcome = eval.jobOutcome().get();
        // Steps this evaluation failed are not in the snapshot it started from.
        String error = outcome == JobStatus.FAILED ? firstFailure(eval.failed().isEmpty() ? steps : tx.steps()) : null;
        boolean ended = tx.finishJob(outcome, error, null, now);
        var retry = tx.job().retry();
        if (ended && outcome == JobStatus.FAILED && retry.hasAttemptsLeft()) {
            int next = retry.attempt() + 1;
            long delay = dev.stroem.workflow.RetryPolicy.delayMillis(retry.backoffSecs() == null ? 0 : retry.backoffSecs(),
                    retry.strategy(), retry.jitter(), next, random);
            tx.scheduleJobRetry(now.plusMillis(delay));
            events.add(new Event("task-retry:" + jobId, "Job failed (attempt " + next + " of " + (retry.maxRetries() + 1)
                    + "); the task is retried as a new job in " + describeMillis(delay)
                    + " (hooks wait for the final outcome)"));
        }
        return ended;
    }

    private static String firstFailure(List<JobStep> steps) {
        return steps.stream()
                .filter(s -> (s.status() == StepStatus.FAILED || s.status() == StepStatus.CANCELLED)
                        && !s.continueOnFailure())
                .findFirst()
                .map(s -> "Step '" + s.stepName() + "' failed"
                        + (s.errorMessage() == null ? "" : ": " + s.errorMessage()))
                .orElse("a step failed");
    }

    private Instant now() {
        // The database keeps milliseconds; so do we, so that what we return equals what we read back.
        return Instant.ofEpochMilli(clock.millis());
    }

    private static JobNotFoundException unknownJob(String jobId) {
        return new JobNotFoundException("no job with id " + jobId);
    }

    private static JobNotFoundException unknownStep(String jobId, String stepName) {
        return new JobNotFoundException("job " + jobId + " has no step named \"" + stepName + "\"");
    }
}
