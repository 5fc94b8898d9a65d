package dev.stroem.jobs;

import dev.stroem.config.RetentionConfig;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.WorkerStore;
import dev.stroem.logs.JobLogRef;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogArchiver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what is older than {@code retention:} keeps, every {@code interval_secs}.
 *
 * <p>Jobs: terminal jobs that ended more than {@code job_days} ago, whose finalisation is done and
 * (with an archive) whose log is not waiting for an upload, in batches, oldest first. Per job, in this order: the
 * archived log (a failure keeps the job, with a WARN, for the next round — deleting the rows first
 * would orphan the object), the local log ({@code .jsonl}, legacy {@code .log} and sidecars), then
 * the database rows (job, steps, archive-queue row). Pending and running jobs are never touched.
 * Hook jobs are jobs of their own and go when they are old enough themselves.
 *
 * <p>Workers: inactive workers silent for more than {@code worker_hours}.
 */
public final class RetentionSweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);
    /** Jobs read per query. */
    public static final int DEFAULT_BATCH = 100;
    /** After this many archive failures in a row the archive is taken to be down: the round ends. */
    static final int ARCHIVE_FAILURES_TO_STOP = 3;
    private static final Duration FIRST_SWEEP_AT_MOST = Duration.ofMinutes(1);

    /** What one sweep did: jobs deleted, jobs kept for the next round (archive or disk failure), workers deleted. */
    public record Sweep(int jobsDeleted, int jobsKept, int workersDeleted) {}

    private final JobStore jobs;
    private final WorkerStore workers;
    private final LocalLogStore store;
    private final LogArchiver archiver;
    private final Function<Job, JobLogRef> refs;
    private final RetentionConfig config;
    private final int batch;
    private final Clock clock;
    private final JobFiles files;
    private final Counter jobsDeleted;
    private final Counter jobsKept;
    private final Counter workersDeleted;
    private final FixedDelaySchedule schedule;
    private final java.util.function.Consumer<String> deleted;

    /**
     * @param archiver the archive's archiver, null when no archive is configured
     * @param refs     a job's log reference with its archive record (the key it was archived under)
     * @param config   a retention config with its defaults applied
     */
    public RetentionSweeper(JobStore jobs, WorkerStore workers, LocalLogStore store, LogArchiver archiver,
            Function<Job, JobLogRef> refs, RetentionConfig config, int batch, MeterRegistry metrics, Clock clock) {
        this(jobs, workers, store, archiver, refs, config, batch, metrics, clock, JobFiles.NONE);
    }

    /** With the job's files (artifacts), deleted before the job row. */
    public RetentionSweeper(JobStore jobs, WorkerStore workers, LocalLogStore store, LogArchiver archiver,
            Function<Job, JobLogRef> refs, RetentionConfig config, int batch, MeterRegistry metrics, Clock clock,
            JobFiles files) {
        this(jobs, workers, store, archiver, refs, config, batch, metrics, clock, files, jobId -> {});
    }

    /**
     * @param files   the job's files (artifacts), deleted before the job row
     * @param deleted told the id of each job deleted (replicas delete their own copies of its log)
     */
    public RetentionSweeper(JobStore jobs, WorkerStore workers, LocalLogStore store, LogArchiver archiver,
            Function<Job, JobLogRef> refs, RetentionConfig config, int batch, MeterRegistry metrics, Clock clock,
            JobFiles files, java.util.function.Consumer<String> deleted) {
        this.files = files;
        this.deleted = deleted;
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive");
        }
        this.jobs = jobs;
        this.workers = workers;
        this.store = store;
        this.archiver = archiver;
        this.refs = refs;
        this.config = config.withDefaults();
        this.batch = batch;
        this.clock = clock;
        this.jobsDeleted = Counter.builder("stroem_retention_jobs_deleted")
                .description("Jobs deleted by retention with their logs and archived logs").register(metrics);
        this.jobsKept = Counter.builder("stroem_retention_jobs_kept")
                .description("Jobs due for deletion that were kept for the next round (archive or disk failure)")
                .register(metrics);
        this.workersDeleted = Counter.builder("stroem_retention_workers_deleted")
                .description("Inactive workers deleted by retention").register(metrics);
        this.schedule = new FixedDelaySchedule("retention-sweeper");
    }

    /** True when {@code job_days} or {@code worker_hours} is set: otherwise everything is kept and nothing runs. */
    public boolean enabled() {
        return config.jobDays() != null || config.workerHours() != null;
    }

    /**
     * Sweeps every {@code interval_secs} when enabled; the first sweep comes after one interval or
     * one minute, whichever is shorter, so that a server restarted often still cleans up.
     */
    public RetentionSweeper start() {
        return start(() -> true);
    }

    /** Like {@link #start()}, sweeping only while {@code leader} says this server is the leader. */
    public RetentionSweeper start(java.util.function.BooleanSupplier leader) {
        if (enabled()) {
            Duration every = Duration.ofSeconds(config.intervalSecs());
            schedule.start(() -> {
                if (leader.getAsBoolean()) {
                    sweepOnce();
                }
            }, every.compareTo(FIRST_SWEEP_AT_MOST) < 0 ? every : FIRST_SWEEP_AT_MOST, every);
        }
        return this;
    }

    /** Runs one sweep now, on the caller's thread (the scheduled sweeps and tests). */
    public synchronized Sweep sweepOnce() {
        Instant now = Instant.ofEpochMilli(clock.millis());
        int deleted = 0;
        int kept = 0;
        if (config.jobDays() != null) {
            Instant cutoff = now.minus(Duration.ofDays(config.jobDays()));
            int archiveFailuresInARow = 0;
            round:
            while (true) {
                // Kept jobs stay at the front of the order: skip them, deleted ones are gone.
                var due = jobs.terminalJobsEndedBefore(cutoff, archiver != null, kept, batch);
                for (var job : due) {
                    switch (delete(job)) {
                        case DELETED -> {
                            deleted++;
                            archiveFailuresInARow = 0;
                        }
                        case KEPT -> kept++;
                        case ARCHIVE_FAILED -> {
                            kept++;
                            if (++archiveFailuresInARow >= ARCHIVE_FAILURES_TO_STOP) {
                                log.warn("retention: the archive failed {} times in a row; the remaining jobs wait "
                                        + "for the next round", archiveFailuresInARow);
                                break round;
                            }
                        }
                    }
                }
                if (due.size() < batch) {
                    break;
                }
            }
            if (deleted > 0 || kept > 0) {
                log.info("retention: deleted {} jobs that ended before {} ({} kept for the next round)", deleted,
                        cutoff, kept);
            }
        }
        int workersGone = 0;
        if (config.workerHours() != null) {
            workersGone = workers.deleteInactiveSilentSince(now.minus(Duration.ofHours(config.workerHours())));
            if (workersGone > 0) {
                log.info("retention: deleted {} inactive workers", workersGone);
            }
        }
        jobsDeleted.increment(deleted);
        jobsKept.increment(kept);
        workersDeleted.increment(workersGone);
        return new Sweep(deleted, kept, workersGone);
    }

    private enum Outcome { DELETED, KEPT, ARCHIVE_FAILED }

    private Outcome delete(Job job) {
        String jobId = job.jobId();
        try {
            files.deleteOf(jobId);
        } catch (RuntimeException e) {
            log.warn("retention: cannot delete the artifacts of job {}; the job is kept for the next round: {}", jobId,
                    e.getMessage());
            return Outcome.ARCHIVE_FAILED;
        }
        if (archiver != null) {
            try {
                // The key recorded when it was archived: the prefix may have changed since.
                archiver.deleteArchived(refs.apply(job));
            } catch (RuntimeException e) {
                log.warn("retention: cannot delete the archived log of job {}; the job is kept for the next round: {}",
                        jobId, e.getMessage());
                return Outcome.ARCHIVE_FAILED;
            }
        }
        try {
            store.delete(jobId);
        } catch (RuntimeException e) {
            log.warn("retention: cannot delete the local log of job {}; the job is kept for the next round: {}", jobId,
                    e.getMessage());
            return Outcome.KEPT;
        }
        jobs.deleteJob(jobId);
        try {
            deleted.accept(jobId);
        } catch (RuntimeException e) {
            log.warn("retention: job {} deleted, but other servers could not be told: {}", jobId, e.toString());
        }
        log.debug("retention: job {} ({}/{}, ended {}) deleted", jobId, job.workspace(), job.taskName(),
                job.completedAt());
        return Outcome.DELETED;
    }

    @Override
    public void close() {
        schedule.close();
    }
}
