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
    private final ObjectMapper json;
    private final Clock clock;

    public Orchestrator(JobStore jobs, WorkspaceCatalog catalog, JobPlanner planner, StepOutputReader outputs,
            JobLogWriter logs, JobFinalizer finalizer, ObjectMapper json, Clock clock) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.planner = planner;
        this.outputs = outputs;
        this.logs = logs;
        this.finalizer = finalizer;
        this.templates = new FlowTemplates(planner);
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
        return createJob(UUID.randomUUID().toString(), workspaceName, taskName, given, sourceType, null, sourceJobId);
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
        return createJob(jobId, workspaceName, taskName, given, sourceType, sourceId, null);
    }

    private String createJob(String jobId, String workspaceName, String taskName, Map<String, Object> given,
            String sourceType, String sourceId, String sourceJobId) {
        var workspace = catalog.snapshot().workspace(workspaceName)
                .orElseThrow(() -> new JobNotFoundException("no workspace named \"" + workspaceName + "\""));
        var task = workspace.task(taskName)
                .orElseThrow(() -> new JobNotFoundException("no task named \"" + taskName + "\" in workspace \""
                        + workspaceName + "\""));
        var input = planner.resolveTaskInput(task, given == null ? Map.of() : given);
        var snapshot = catalog.snapshot();
        var steps = task.steps().stream().map(s -> newStep(snapshot, s)).toList();
        // The revision goes in with the job's row: its steps render from it however the folder moves on.
        var job = new Job(jobId, workspaceName, taskName, JobStatus.PENDING, input, sourceType, sourceId, null,
                task.timeoutSeconds(), null, null, now(), null, null, given == null ? Map.of() : given, sourceJobId,
                workspace.revision());
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
        var claimed = new java.util.ArrayList<ClaimedStep>();
        for (var candidate : jobs.claimCandidates(Math.max(CLAIM_CANDIDATES, max))) {
            if (claimed.size() >= max) {
                break;
            }
            if (!capabilities.contains(candidate.actionType()) || !tags.containsAll(candidate.requiredTags())) {
                continue;
            }
            // One transaction claims, renders and records the step: a step whose rendering fails
            // was never claimed (the transaction changed nothing) and is failed after it.
            var attempt = jobs.inJob(candidate.jobId(), tx -> claimInJob(tx, candidate.stepName(), workerId))
                    .orElse(ClaimAttempt.TAKEN);
            if (attempt.step() != null) {
                claimed.add(attempt.step());
            } else if (attempt.failure() != null) {
                failStep(candidate.jobId(), candidate.stepName(), "orchestrator", attempt.failure());
            }
        }
        return claimed;
    }

    /** A claim of one step: the step, or why it could not start, or neither (taken meanwhile). */
    private record ClaimAttempt(ClaimedStep step, String failure) {
        static final ClaimAttempt TAKEN = new ClaimAttempt(null, null);
    }

    private ClaimAttempt claimInJob(JobStore.JobTransaction tx, String stepName, String workerId) {
        var step = tx.step(stepName).orElse(null);
        if (step == null || step.status() != StepStatus.READY) {
            return ClaimAttempt.TAKEN; // another claim (or a cancellation) was first
        }
        var job = tx.job();
        var stored = tx.renderedAction(stepName);
        RenderedAction action;
        try {
            action = stored.isPresent() ? readRendered(stored.get()) : renderFromWorkflow(job, step, tx.steps());
        } catch (TemplateException | IllegalArgumentException | IllegalStateException e) {
            return new ClaimAttempt(null, "Step '" + stepName + "' could not start: " + e.getMessage());
        } catch (RuntimeException e) {
            log.error("job {} step {}: rendering failed", job.jobId(), stepName, e);
            return new ClaimAttempt(null, "Step '" + stepName + "' could not start: " + e);
        }
        Instant claimedAt = now();
        if (!tx.claimStep(stepName, workerId, claimedAt)) {
            return ClaimAttempt.TAKEN;
        }
        tx.recordStepInput(stepName, action.input());
        if (job.status() == JobStatus.PENDING) {
            tx.markJobRunning(claimedAt);
        }
        // A cross-workspace step runs on its owner's files: the claim names that workspace and revision.
        String workspace = step.owner() == null ? job.workspace() : step.owner().workspace();
        String revision = step.owner() == null ? job.revision() : step.owner().revision();
        return new ClaimAttempt(new ClaimedStep(job.jobId(), workspace, job.taskName(), stepName,
                step.actionName(), step.actionType(), action.script(), action.env(), action.input(), step.timeoutSecs(),
                step.readyAt(), claimedAt, revision, action), null);
    }

    private RenderedAction renderFromWorkflow(Job job, JobStep step, List<JobStep> steps) {
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
        if (step.owner() != null) {
            var owner = step.owner();
            var ownerWs = catalog.workspace(owner.workspace(), owner.revision())
                    .orElseThrow(() -> new IllegalStateException("revision " + owner.revision() + " of workspace '"
                            + owner.workspace() + "' is no longer stored"));
            String name = step.actionName().substring(step.actionName().indexOf('.') + 1);
            ownerAction = ownerWs.action(name).orElseThrow(() -> new IllegalStateException("workspace '"
                    + owner.workspace() + "' has no action '" + name + "' at revision " + owner.revision()));
        }
        return planner.renderStep(workspace, task, flowName, job.input(), stepOutputs,
                loop == null ? null : JobPlanner.each(loop.item(), loop.index()), ownerAction);
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
        return jobs.inJob(jobId, tx -> {
            var step = tx.step(stepName).orElseThrow(() -> unknownStep(jobId, stepName));
            if (step.status().isTerminal()) {
                return Optional.<Duration>empty(); // cancelled meanwhile: the worker learns it from /cancelled
            }
            if (step.status() != StepStatus.RUNNING || !workerId.equals(step.workerId())) {
                throw new JobConflictException("step '" + stepName + "' is " + step.status().wireName()
                        + " and not claimed by worker " + workerId);
            }
            Instant now = now();
            tx.markStepStarted(stepName, now);
            if (tx.job().status() == JobStatus.PENDING) {
                tx.markJobRunning(now); // the claim marks it running; only a job claimed before it did needs this
            }
            return step.startedAt() != null || step.claimedAt() == null ? Optional.<Duration>empty()
                    : Optional.of(Duration.between(step.claimedAt(), now));
        }).orElseThrow(() -> unknownJob(jobId));
    }

    /**
     * A worker finished a step. The output comes from the step's log ({@code OUTPUT:} lines);
     * {@code reportedOutput} is used only when the log has none. Repeating it changes nothing.
     */
    public void completeStep(String jobId, String stepName, int exitCode, String error,
            Map<String, Object> reportedOutput) {
        if (jobs.findJob(jobId).isEmpty()) {
            throw unknownJob(jobId);
        }
        boolean success = exitCode == 0 && (error == null || error.isBlank());
        Map<String, Object> output = success
                ? outputs.read(jobId, stepName).orElse(reportedOutput)
                : null;
        String message = success ? null
                : (error == null || error.isBlank()) ? "Command exited with code " + exitCode : error;
        boolean ended = jobs.inJob(jobId, tx -> {
            var step = tx.step(stepName).orElseThrow(() -> unknownStep(jobId, stepName));
            if (step.status().isTerminal()) {
                return false;
            }
            if (step.status() != StepStatus.RUNNING) {
                throw new JobConflictException("step '" + stepName + "' is " + step.status().wireName()
                        + ", not running: it cannot complete");
            }
            tx.finishStep(stepName, success ? StepStatus.COMPLETED : StepStatus.FAILED, exitCode, message, output, now());
            return advance(tx);
        }).orElseThrow(() -> unknownJob(jobId));
        log.info("job {} step {} {} (exit code {})", jobId, stepName, success ? "completed" : "failed", exitCode);
        if (ended) {
            finalizer.submit(jobId);
        }
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
            if (!tx.finishStep(stepName, StepStatus.FAILED, null, message, null, now())) {
                return StepEnd.ALREADY_ENDED;
            }
            return advance(tx) ? StepEnd.JOB_ENDED : StepEnd.FAILED;
        }).orElse(StepEnd.ALREADY_ENDED);
        if (outcome == StepEnd.JOB_ENDED) {
            finalizer.submit(jobId);
        }
        return outcome != StepEnd.ALREADY_ENDED;
    }

    private enum StepEnd { ALREADY_ENDED, FAILED, JOB_ENDED }

    /**
     * Puts a step that {@code workerId} claimed but never started back to ready, with a
     * {@code [source] message} event: nothing of it ran, so another worker may take it.
     *
     * @return false when the step was started, ended or claimed by someone else meanwhile
     */
    public boolean requeueUnstarted(String jobId, String stepName, String workerId, String source, String message) {
        // The claim's time tells this claim from a later one of the same step: its event is written once.
        var claimedAt = jobs.inJob(jobId, tx -> {
            var step = tx.step(stepName).orElse(null);
            if (step == null || step.status() != StepStatus.RUNNING || step.startedAt() != null
                    || !workerId.equals(step.workerId())) {
                return Optional.<Instant>empty();
            }
            tx.requeueStep(stepName, now());
            return Optional.ofNullable(step.claimedAt()).or(() -> Optional.of(Instant.EPOCH));
        }).flatMap(c -> c);
        claimedAt.ifPresent(at -> logs.serverEvent(jobId, ServerEventIds.requeued(jobId, stepName, at), source, message));
        return claimedAt.isPresent();
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
        boolean ended = jobs.inJob(jobId, this::advance).orElse(false);
        if (ended) {
            finalizer.submit(jobId);
        }
    }

    /** Applies the DAG's consequences; true when this transaction ended the job. */
    private boolean advance(JobStore.JobTransaction tx) {
        if (tx.job().status().isTerminal()) {
            return false;
        }
        var steps = tx.steps();
        var outputs = FlowTemplates.outputs(steps);
        var eval = DagEvaluation.of(steps, templates.conditions(tx.job(), outputs), templates.loops(tx.job(), outputs));
        Instant now = now();
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
        return tx.finishJob(outcome, error, null, now);
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
