package dev.stroem.logs.archive;

import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.logs.ArchiveResult;
import dev.stroem.logs.JobLogRef;
import dev.stroem.logs.LogArchiver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload loop: claims due uploads from the durable log state ({@link LogStateStore}) with a
 * lease, uploads each job's log through the {@link LogArchiver} and records the outcome. A failed
 * upload is counted, its error kept, and retried with exponential backoff — 5 s, 10 s, 20 s …
 * capped at 15 minutes, forever, so an archive outage of any length ends with every log archived.
 * An upload that finds nothing to upload (no local log on this node, nothing archived before)
 * is recorded as {@code missing}, never as archived, and retried the same way. Survives restarts
 * and node deaths: the state lives in the database and a lease runs out.
 */
public final class ArchiveUploader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArchiveUploader.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration MAX_RETRY = Duration.ofMinutes(15);
    /** How long a claimed upload is this node's; another node may take it over after that. */
    public static final Duration LEASE = Duration.ofMinutes(10);
    private static final int BATCH = 20;

    private final LogStateStore states;
    private final LogArchiver archiver;
    private final Function<String, Optional<JobLogRef>> jobs;
    private final String owner;
    private final Clock clock;
    private final Duration pollInterval;
    private final Semaphore wakeUp = new Semaphore(0);
    private final Counter uploads;
    private final Counter failures;
    private final Timer uploadDuration;
    private final Thread thread;
    private final Archived archived;
    private volatile boolean running = true;

    /** Told after an upload was recorded: the archive holds the job's first {@code lines} lines. */
    @FunctionalInterface
    public interface Archived {
        /** Nothing to do after an upload (a single node). */
        Archived NOTHING = (jobId, lines) -> {};

        void recorded(String jobId, long lines);
    }

    /**
     * @param jobs  what the engine needs to know about a job, or empty when it no longer exists
     * @param owner this node's name in the leases it takes
     */
    public ArchiveUploader(LogStateStore states, LogArchiver archiver, Function<String, Optional<JobLogRef>> jobs,
            String owner, MeterRegistry metrics, Clock clock, Duration pollInterval) {
        this(states, archiver, jobs, owner, metrics, clock, pollInterval, Archived.NOTHING);
    }

    /**
     * @param archived told after each recorded upload (replicas delete the chunks the archive now holds)
     */
    public ArchiveUploader(LogStateStore states, LogArchiver archiver, Function<String, Optional<JobLogRef>> jobs,
            String owner, MeterRegistry metrics, Clock clock, Duration pollInterval, Archived archived) {
        this.archived = archived;
        this.states = states;
        this.archiver = archiver;
        this.jobs = jobs;
        this.owner = owner;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.uploads = Counter.builder("stroem_archive_uploads").description("Job logs archived").register(metrics);
        this.failures = Counter.builder("stroem_archive_upload_failures").description("Failed archive uploads")
                .register(metrics);
        this.uploadDuration = Timer.builder("stroem_archive_upload_duration").description("Time to archive one job log")
                .register(metrics);
        Gauge.builder("stroem_archive_queue_depth", states, LogStateStore::pendingUploads)
                .description("Job logs waiting to be (re-)archived").register(metrics);
        this.thread = new Thread(this::run, "archive-uploader");
        this.thread.setDaemon(true);
    }

    public ArchiveUploader start() {
        thread.start();
        return this;
    }

    /** Something was queued: look now instead of at the next poll. */
    public void wake() {
        wakeUp.release();
    }

    private void run() {
        while (running) {
            try {
                drainOnce();
                wakeUp.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                wakeUp.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The database may be briefly unavailable; the state is durable, try again later.
                log.warn("archive uploads could not be claimed: {}", e.getMessage());
                sleepQuietly();
            }
        }
    }

    /** Uploads everything that is due now and nobody else holds; returns how many uploads succeeded. */
    public int drainOnce() {
        int done = 0;
        while (running) {
            var claims = states.claimDue(owner, now(), LEASE, BATCH);
            for (var claim : claims) {
                if (running && upload(claim)) {
                    done++;
                }
            }
            if (claims.size() < BATCH) {
                return done;
            }
        }
        return done;
    }

    private boolean upload(LogStateStore.Claim claim) {
        var ref = jobs.apply(claim.jobId());
        if (ref.isEmpty()) {
            return false; // deleted meanwhile, and its state with it
        }
        long started = System.nanoTime();
        try {
            ArchiveResult result = archiver.archive(ref.get());
            uploadDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            if (!result.archived()) {
                return nothingToUpload(claim, ref.get());
            }
            if (!states.markArchived(claim.jobId(), owner, claim.generation(), result.key(), result.archivedBytesForReads(),
                    result.lines(), now())) {
                log.warn("job {}: archived to {}, but this node's lease ran out meanwhile; the node that took it over records it",
                        claim.jobId(), result.key());
                return false;
            }
            uploads.increment();
            afterRecorded(claim.jobId(), result.lines());
            log.info("job {} log archived to {} ({} bytes, {} compressed)", claim.jobId(), result.key(),
                    result.uncompressedBytes(), result.compressedBytes());
            return true;
        } catch (RuntimeException e) {
            failures.increment();
            var delay = backoff(claim.attempts());
            states.markFailed(claim.jobId(), owner, false, describe(e), now().plus(delay));
            log.warn("archiving job {} failed (attempt {}), retrying in {}s: {}", claim.jobId(), claim.attempts() + 1,
                    delay.toSeconds(), describe(e));
            return false;
        }
    }

    /** No local log here: fine when the archive already holds the log, else the log is missing. */
    private boolean nothingToUpload(LogStateStore.Claim claim, JobLogRef ref) {
        if (ref.archiveKey() != null) {
            // Archived before and no line since on this node: the archive is as complete as it gets.
            return states.markArchived(claim.jobId(), owner, claim.generation(), ref.archiveKey(), ref.archivedBytes(),
                    ref.archivedLines(), now());
        }
        failures.increment();
        var delay = backoff(claim.attempts());
        String error = "no local log of job " + claim.jobId() + " on node " + owner + " and nothing archived before";
        states.markFailed(claim.jobId(), owner, true, error, now().plus(delay));
        log.warn("archiving job {}: {}; retrying in {}s", claim.jobId(), error, delay.toSeconds());
        return false;
    }

    private void afterRecorded(String jobId, long lines) {
        try {
            archived.recorded(jobId, lines);
        } catch (RuntimeException e) {
            // The upload stands; what follows it (chunk clean-up) is repeated after the next one.
            log.warn("job {}: after archiving: {}", jobId, e.toString());
        }
    }

    /** The wait before the next attempt after {@code attempts} earlier failures. */
    static Duration backoff(int attempts) {
        long factor = 1L << Math.min(attempts, 20);
        var delay = FIRST_RETRY.multipliedBy(factor);
        return delay.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay;
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void sleepQuietly() {
        try {
            wakeUp.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        wakeUp.release();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
