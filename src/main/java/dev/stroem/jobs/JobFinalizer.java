package dev.stroem.jobs;

import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.workflow.HookContext;
import dev.stroem.workflow.HookEvent;
import dev.stroem.workflow.JobPlanner;
import dev.stroem.workflow.TemplateException;
import dev.stroem.workflow.WorkspaceCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens after a job ended, in the spec's order: its hooks fire (a hook that cannot even
 * start writes a {@code [hooks]} server event on the job), the job's local log is flushed and
 * closed, then its archival is recorded in the database — from where the archive uploader takes
 * it. The work is recorded durably with the terminal status ({@code finalize_state}), so after a
 * crash {@link #resumePending()} finishes it; firing is idempotent (one hook job per hook).
 */
public final class JobFinalizer implements AutoCloseable {
    /** A hook job's task name is {@code _hook:<action>}, as in the original. */
    public static final String HOOK_TASK_PREFIX = "_hook:";

    private static final Logger log = LoggerFactory.getLogger(JobFinalizer.class);

    private final JobStore jobs;
    private final LogStateStore logStates;
    private final WorkspaceCatalog catalog;
    private final JobPlanner planner;
    private final LocalLogStore store;
    private final JobLogWriter logs;
    private final boolean archiveConfigured;
    private final JobFiles files;
    private final Runnable archivalQueued;
    private final FinalisedListener finalised;
    private final Clock clock;
    private final ExecutorService executor;
    private final java.util.Set<String> queued = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Told when a job's finalisation is done (live log viewers close their streams then). Only a
     * fast path: the durable log state is what counts, and {@link LiveLogEnding} re-reads it.
     */
    @FunctionalInterface
    public interface FinalisedListener {
        /**
         * Called on the finaliser's thread once the job's hooks fired and its log was closed; must
         * be quick. {@code job} is its row as the finaliser read it (terminal).
         */
        void finalised(Job job);
    }

    /**
     * @param archivalQueued called after a job's archival was queued (wakes the uploader)
     * @param finalised      called after each job's finalisation
     */
    public JobFinalizer(JobStore jobs, LogStateStore logStates, WorkspaceCatalog catalog, JobPlanner planner,
            LocalLogStore store, JobLogWriter logs, boolean archiveConfigured, Runnable archivalQueued,
            FinalisedListener finalised, Clock clock) {
        this(jobs, logStates, catalog, planner, store, logs, archiveConfigured, archivalQueued, finalised, clock,
                JobFiles.NONE);
    }

    /** With the job's files, for {@code hook.artifacts}. */
    public JobFinalizer(JobStore jobs, LogStateStore logStates, WorkspaceCatalog catalog, JobPlanner planner,
            LocalLogStore store, JobLogWriter logs, boolean archiveConfigured, Runnable archivalQueued,
            FinalisedListener finalised, Clock clock, JobFiles files) {
        this.files = files;
        this.finalised = finalised;
        this.jobs = jobs;
        this.logStates = logStates;
        this.catalog = catalog;
        this.planner = planner;
        this.store = store;
        this.logs = logs;
        this.archiveConfigured = archiveConfigured;
        this.archivalQueued = archivalQueued;
        this.clock = clock;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            var t = new Thread(r, "job-finalizer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues the finalisation of a job that just ended (once: a job already queued is not queued again). */
    public void submit(String jobId) {
        if (!queued.add(jobId)) {
            return;
        }
        try {
            executor.submit(() -> {
                try {
                    finalizeJob(jobId);
                } catch (RuntimeException e) {
                    // Stays recorded as pending; the next resumePending() (sweeper, restart) retries it.
                    log.error("finalising job {} failed; it will be retried", jobId, e);
                } finally {
                    queued.remove(jobId);
                }
            });
        } catch (RuntimeException e) {
            queued.remove(jobId);
            throw e;
        }
    }

    /** Finalises every job whose finalisation was interrupted (called at start and by the sweeper). */
    public void resumePending() {
        jobs.jobsToFinalize().forEach(this::submit);
    }

    /** Runs the finalisation of one job now, on the caller's thread. */
    void finalizeJob(String jobId) {
        var job = jobs.findJob(jobId).orElse(null);
        if (job == null || !job.status().isTerminal() || logStates.isFinalised(jobId)) {
            return; // a second run would repeat hook events and queue another archive generation
        }
        if (Job.SOURCE_HOOK.equals(job.sourceType())) {
            reportHookOutcome(job);
        } else if (job.retry().retrying()) {
            log.info("job {} failed and is retried as a new job: its hooks wait for the final outcome", jobId);
        } else {
            fireHooks(job);
        }
        store.close(jobId);
        // The job's row was read above; marking it finalised needs only its lock (the job is terminal).
        jobs.useLockedJob(jobId, tx -> tx.markFinalised(archiveConfigured, now()));
        if (archiveConfigured) {
            archivalQueued.run();
        }
        try {
            finalised.finalised(job);
        } catch (RuntimeException e) {
            log.warn("job {}: finalisation listener failed: {}", jobId, e.toString(), e);
        }
    }

    private void fireHooks(Job job) {
        // The hooks of the revision the job ran at; the current ones when that revision is gone.
        var workspace = atRevision(job).or(() -> catalog.snapshot().workspace(job.workspace())).orElse(null);
        var task = workspace == null ? null : workspace.task(job.taskName()).orElse(null);
        if (task == null) {
            log.info("job {}: task {}/{} is no longer loaded, no hooks to fire", job.jobId(), job.workspace(),
                    job.taskName());
            return;
        }
        var event = switch (job.status()) {
            case COMPLETED -> HookEvent.SUCCESS;
            case CANCELLED -> HookEvent.CANCEL;
            default -> HookEvent.ERROR;
        };
        var hooks = workspace.hooksFor(task, event);
        if (hooks.isEmpty()) {
            return;
        }
        var context = hookContext(job);
        for (int i = 0; i < hooks.size(); i++) {
            var hook = hooks.get(i);
            String hookName = hookKey(event) + "[" + i + "]";
            try {
                var rendered = planner.renderHook(workspace, hook, context);
                // A hook runs where its action may run, like any step of that action.
                List<String> tags = workspace.action(hook.action()).map(a -> a.tags()).orElse(List.of());
                createHookJob(job, hookName, hook.action(), rendered, tags, workspace.revision());
            } catch (TemplateException | IllegalArgumentException e) {
                logs.serverEvent(job.jobId(), ServerEventIds.hook(job.jobId(), hookName), "hooks",
                        "Hook '" + hook.action() + "' could not start: " + e.getMessage());
            }
        }
    }

    /** @param revision the workspace revision the hook was rendered from, which its step runs on */
    private java.util.Optional<dev.stroem.workflow.Workspace> atRevision(Job job) {
        try {
            return catalog.workspace(job.workspace(), job.revision());
        } catch (IllegalStateException e) {
            log.warn("job {}: revision {} cannot be read ({}); its hooks are the current ones", job.jobId(),
                    job.revision(), e.getMessage());
            return java.util.Optional.empty();
        }
    }

    private void createHookJob(Job parent, String hookName, String actionName, dev.stroem.workflow.RenderedAction rendered,
            List<String> tags, String revision) {
        String hookJobId = UUID.randomUUID().toString();
        // Named as the original names hook jobs, so they stand apart from task runs in lists and filters.
        var hookJob = new Job(hookJobId, parent.workspace(), HOOK_TASK_PREFIX + actionName, JobStatus.PENDING, rendered.input(),
                Job.SOURCE_HOOK, parent.jobId(), hookName, null, null, null, now(), null, null)
                .withRevision(revision);
        var step = new NewStep(actionName, actionName, dev.stroem.workflow.Action.TYPE_SCRIPT, List.of(), false, null,
                tags == null ? List.of() : tags);
        try {
            jobs.createJob(hookJob, List.of(step), Map.of(actionName, Orchestrator.storedForm(rendered)));
            log.info("job {}: hook {} ({}) fired as job {}", parent.jobId(), hookName, actionName, hookJobId);
        } catch (UnableToExecuteStatementException e) {
            if (jobs.hookJobsOf(parent.jobId()).stream().anyMatch(j -> hookName.equals(j.hookName()))) {
                return; // fired before a crash: once is enough
            }
            throw e;
        }
    }

    private void reportHookOutcome(Job hookJob) {
        if (hookJob.status() == JobStatus.COMPLETED || hookJob.sourceId() == null) {
            return;
        }
        if (jobs.findJob(hookJob.sourceId()).isEmpty()) {
            return;
        }
        // The failed step's own error says what went wrong; the job's summary would repeat the step name.
        String error = jobs.steps(hookJob.jobId()).stream()
                .filter(s -> s.status() == StepStatus.FAILED && s.errorMessage() != null)
                .map(JobStep::errorMessage)
                .findFirst()
                .orElse(hookJob.errorMessage() == null ? hookJob.status().wireName() : hookJob.errorMessage());
        logs.serverEvent(hookJob.sourceId(), ServerEventIds.hook(hookJob.sourceId(), hookJob.hookName()), "hooks",
                "Hook '" + hookAction(hookJob) + "' failed: " + error);
    }

    /** The action a hook job runs: its task name without the {@code _hook:} prefix. */
    static String hookAction(Job hookJob) {
        String name = hookJob.taskName();
        return name.startsWith(HOOK_TASK_PREFIX) ? name.substring(HOOK_TASK_PREFIX.length()) : name;
    }

    private HookContext hookContext(Job job) {
        var failed = jobs.steps(job.jobId()).stream()
                .filter(s -> s.status() == StepStatus.FAILED)
                .map(s -> new HookContext.FailedStep(s.stepName(), s.actionName(), s.errorMessage(), s.continueOnFailure()))
                .toList();
        // hook.error_message is every failed step's error combined; the job's own summary names only the first.
        String error = failed.isEmpty() ? job.errorMessage() : failed.stream()
                .map(f -> "Step '" + f.stepName() + "' failed" + (f.errorMessage() == null ? "" : ": " + f.errorMessage()))
                .collect(java.util.stream.Collectors.joining("; "));
        return new HookContext(job.workspace(), job.taskName(), job.jobId(), job.status().wireName(),
                error, job.startedAt(), job.completedAt(), failed, files.hookView(job.jobId()), job.sourceType(),
                job.sourceId());
    }

    private static String hookKey(HookEvent event) {
        return switch (event) {
            case SUCCESS -> "on_success";
            case ERROR -> "on_error";
            case CANCEL -> "on_cancel";
        };
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
