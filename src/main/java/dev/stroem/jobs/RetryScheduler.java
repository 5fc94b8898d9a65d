package dev.stroem.jobs;

import dev.stroem.jobs.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes retries happen when they fall due, on the leader. A task retry is due when the failed job's
 * {@code retry_due_at} passed: its retry job is created (once: see {@link Orchestrator#createRetryJob}).
 * A step retry needs no job of its own (the step row is ready, claimable from its {@code retry_at});
 * claims that wait for work are told when one falls due, so it starts without waiting for their
 * next look. Both times live in the database, so a restart loses no retry and repeats none.
 */
public final class RetryScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RetryScheduler.class);
    private static final int BATCH = 50;

    private final JobStore jobs;
    private final Orchestrator orchestrator;
    private final Runnable stepsReady;
    private final Clock clock;
    private final FixedDelaySchedule schedule = new FixedDelaySchedule("stroem-retries");
    private Instant lastRound;

    /** @param stepsReady wakes claims waiting for work (all replicas) */
    public RetryScheduler(JobStore jobs, Orchestrator orchestrator, Runnable stepsReady, Clock clock) {
        this.jobs = jobs;
        this.orchestrator = orchestrator;
        this.stepsReady = stepsReady;
        this.clock = clock;
        this.lastRound = clock.instant();
    }

    /** Runs a round every {@code every} while {@code leader} says this server leads. */
    public RetryScheduler start(BooleanSupplier leader, Duration every) {
        schedule.start(() -> {
            if (leader.getAsBoolean()) {
                tick();
            }
        }, every, every);
        return this;
    }

    /** One round now, on the caller's thread: creates the due task retries, wakes claims for due step retries. */
    public synchronized void tick() {
        Instant now = Instant.ofEpochMilli(clock.millis());
        for (var failed : jobs.dueJobRetries(now, BATCH)) {
            try {
                orchestrator.createRetryJob(failed);
            } catch (RuntimeException e) {
                log.warn("retrying job {} failed; the next round tries again: {}", failed.jobId(), e.toString());
            }
        }
        if (jobs.stepRetriesDue(lastRound, now)) {
            stepsReady.run();
        }
        lastRound = now;
    }

    @Override
    public void close() {
        schedule.close();
    }
}
