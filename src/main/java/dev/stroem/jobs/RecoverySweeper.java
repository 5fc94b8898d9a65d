package dev.stroem.jobs;

import dev.stroem.config.RecoveryConfig;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.WorkerStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds work that nobody will finish and ends it, every {@code recovery.sweep_interval_secs}:
 * <ol>
 *   <li>workers silent for {@code heartbeat_timeout_secs} become inactive and their running steps fail;</li>
 *   <li>running steps past their {@code timeout} (counted from their start) fail;</li>
 *   <li>a step a live worker claimed but did not start within {@code heartbeat_timeout_secs} (its claim
 *       answer was lost) goes back to ready — nothing of it ran;</li>
 *   <li>running jobs past their task's {@code timeout} (counted from their start) are cancelled;</li>
 *   <li>ready steps that waited {@code unmatched_step_timeout_secs} while no active worker has their
 *       capability and tags fail;</li>
 *   <li>safety net: interrupted finalisations resume, and every active job's DAG is re-evaluated.</li>
 * </ol>
 * Each action writes a {@code [recovery] …} server event on the job; the orchestrator then
 * cascades as for any failure (dependants skipped, the job failed, hooks, archival).
 */
public final class RecoverySweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecoverySweeper.class);
    private static final String SOURCE = "recovery";

    /** What one sweep did. */
    public record Sweep(int staleWorkers, int workerLostSteps, int timedOutSteps, int requeuedSteps, int timedOutJobs,
            int unmatchedSteps) {}

    private final JobStore jobs;
    private final WorkerStore workers;
    private final Orchestrator orchestrator;
    private final JobFinalizer finalizer;
    private final Duration heartbeatTimeout;
    private final Duration unmatchedTimeout;
    private final Duration interval;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final FixedDelaySchedule schedule;

    /**
     * @param config a recovery config with its defaults applied
     */
    public RecoverySweeper(JobStore jobs, WorkerStore workers, Orchestrator orchestrator, JobFinalizer finalizer,
            RecoveryConfig config, MeterRegistry metrics, Clock clock) {
        var c = config.withDefaults();
        this.jobs = jobs;
        this.workers = workers;
        this.orchestrator = orchestrator;
        this.finalizer = finalizer;
        this.heartbeatTimeout = Duration.ofSeconds(c.heartbeatTimeoutSecs());
        this.unmatchedTimeout = Duration.ofSeconds(c.unmatchedStepTimeoutSecs());
        this.interval = Duration.ofSeconds(c.sweepIntervalSecs());
        this.metrics = metrics;
        this.clock = clock;
        this.schedule = new FixedDelaySchedule("recovery-sweeper");
    }

    /** Sweeps every {@code sweep_interval_secs}, the first time one interval from now. */
    public RecoverySweeper start() {
        return start(() -> true);
    }

    /** Like {@link #start()}, sweeping only while {@code leader} says this server is the leader. */
    public RecoverySweeper start(java.util.function.BooleanSupplier leader) {
        schedule.start(() -> {
            if (leader.getAsBoolean()) {
                sweepOnce();
            }
        }, interval, interval);
        return this;
    }

    /** Runs one sweep now, on the caller's thread (the scheduled sweeps and tests). */
    public synchronized Sweep sweepOnce() {
        Instant now = Instant.ofEpochMilli(clock.millis());
        var stale = workers.deactivateSilentSince(now.minus(heartbeatTimeout));
        for (var w : stale) {
            log.warn("worker '{}' ({}) sent no heartbeat since {}: marked inactive", w.name(), w.workerId(),
                    w.lastHeartbeat());
            count("stale_worker");
        }
        // Every running step of an inactive worker, not only of those just deactivated: a sweep
        // interrupted between the two would otherwise leave its steps running for ever.
        Map<String, Worker> byId = new HashMap<>();
        workers.list().forEach(w -> byId.put(w.workerId(), w));

        int lost = 0;
        int timedOut = 0;
        int requeued = 0;
        for (var step : jobs.runningSteps()) {
            try {
                var worker = byId.get(step.workerId());
                if (worker == null || !Worker.ACTIVE.equals(worker.status())) {
                    if (fail(step, workerLost(worker, step), "worker_lost")) {
                        lost++;
                    }
                } else if (step.startedAt() != null && step.timeoutSecs() != null
                        && now.isAfter(step.startedAt().plusSeconds(step.timeoutSecs()))) {
                    if (fail(step, "Step '" + step.stepName() + "' timed out after " + describe(step.timeoutSecs()),
                            "step_timeout")) {
                        timedOut++;
                    }
                } else if (step.startedAt() == null && step.claimedAt() != null
                        && now.isAfter(step.claimedAt().plus(heartbeatTimeout))) {
                    String message = "Worker '" + worker.name() + "' (id " + worker.workerId() + ") claimed step '"
                            + step.stepName() + "' but did not start it within " + describe(heartbeatTimeout.toSeconds())
                            + "; the step is ready again";
                    if (orchestrator.requeueUnstarted(step.jobId(), step.stepName(), worker.workerId(), SOURCE, message)) {
                        log.warn("job {}: {}", step.jobId(), message);
                        count("requeued");
                        requeued++;
                    }
                }
            } catch (RuntimeException e) {
                log.warn("recovery of job {} step {} failed; the next sweep retries: {}", step.jobId(), step.stepName(),
                        e.toString());
            }
        }

        int jobsTimedOut = 0;
        for (var job : jobs.activeJobs()) {
            if (job.status() != JobStatus.RUNNING || job.timeoutSecs() == null || job.startedAt() == null
                    || !now.isAfter(job.startedAt().plusSeconds(job.timeoutSecs()))) {
                continue;
            }
            try {
                String message = "Job timed out after " + describe(job.timeoutSecs()) + "; cancelled";
                if (orchestrator.cancelForTimeout(job.jobId(), message)) {
                    log.warn("job {}: {}", job.jobId(), message);
                    count("job_timeout");
                    jobsTimedOut++;
                }
            } catch (RuntimeException e) {
                log.warn("cancelling timed-out job {} failed; the next sweep retries: {}", job.jobId(), e.toString());
            }
        }

        int unmatched = 0;
        List<Worker> active = workers.list().stream().filter(w -> Worker.ACTIVE.equals(w.status())).toList();
        for (var step : jobs.readyStepsBefore(now.minus(unmatchedTimeout))) {
            boolean runnable = active.stream().anyMatch(w -> new WorkerRouting(w.capabilities(), w.tags(), w.exclusive())
                    .accepts(step.actionType(), step.requiredTags()));
            if (runnable) {
                continue;
            }
            try {
                String needs = "needs capability '" + step.actionType() + "'"
                        + (step.requiredTags().isEmpty() ? "" : ", tags " + step.requiredTags());
                if (fail(step, "No active worker can run step '" + step.stepName() + "' (" + needs + ") after "
                        + describe(unmatchedTimeout.toSeconds()), "unmatched_step")) {
                    unmatched++;
                }
            } catch (RuntimeException e) {
                log.warn("failing unmatched job {} step {} failed; the next sweep retries: {}", step.jobId(),
                        step.stepName(), e.toString());
            }
        }

        safetyNet();
        return new Sweep(stale.size(), lost, timedOut, requeued, jobsTimedOut, unmatched);
    }

    private void safetyNet() {
        try {
            finalizer.resumePending();
        } catch (RuntimeException e) {
            log.warn("resuming interrupted finalisations failed: {}", e.toString());
        }
        for (var job : jobs.activeJobs()) {
            try {
                orchestrator.advance(job.jobId());
            } catch (RuntimeException e) {
                log.warn("re-evaluating job {} failed: {}", job.jobId(), e.toString());
            }
        }
    }

    private boolean fail(JobStep step, String message, String kind) {
        if (!orchestrator.failStep(step.jobId(), step.stepName(), SOURCE, message)) {
            return false;
        }
        log.warn("job {}: {}", step.jobId(), message);
        count(kind);
        return true;
    }

    private static String workerLost(Worker worker, JobStep step) {
        if (worker == null) {
            return "Worker (id " + step.workerId() + ") is no longer registered; step '" + step.stepName() + "' failed";
        }
        return "Worker '" + worker.name() + "' (id " + worker.workerId() + ") stopped sending heartbeats; step '"
                + step.stepName() + "' failed";
    }

    private void count(String kind) {
        Counter.builder("stroem_recovery_actions")
                .description("Steps failed or requeued, workers deactivated and jobs cancelled by the recovery sweeper")
                .tag("kind", kind)
                .register(metrics)
                .increment();
    }

    /** Seconds the way timeouts are written in workflow files: {@code 30s}, {@code 1m30s}, {@code 1h}, {@code 2d}. */
    static String describe(long seconds) {
        if (seconds <= 0) {
            return seconds + "s";
        }
        var out = new StringBuilder();
        long[] units = {86400, 3600, 60, 1};
        String[] names = {"d", "h", "m", "s"};
        long left = seconds;
        for (int i = 0; i < units.length; i++) {
            if (left >= units[i]) {
                out.append(left / units[i]).append(names[i]);
                left %= units[i];
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        schedule.close();
    }
}
