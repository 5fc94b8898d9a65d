package dev.stroem.logs.archive;

import dev.stroem.logs.JobLogRef;
import dev.stroem.logs.LogArchiver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works off the durable {@link ArchiveQueue}: uploads each queued job's log through the
 * {@link LogArchiver} and records the outcome. A failed upload is counted, its error kept, and
 * retried with exponential backoff — 5 s, 10 s, 20 s … capped at 15 minutes, forever, so an
 * archive outage of any length ends with every log archived. Survives restarts because the
 * queue lives in the database.
 */
public final class ArchiveUploader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArchiveUploader.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration MAX_RETRY = Duration.ofMinutes(15);
    private static final int BATCH = 20;

    private final ArchiveQueue queue;
    private final LogArchiver archiver;
    private final Function<String, Optional<JobLogRef>> jobs;
    private final Clock clock;
    private final Duration pollInterval;
    private final Semaphore wakeUp = new Semaphore(0);
    private final Counter uploads;
    private final Counter failures;
    private final Timer uploadDuration;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param jobs what the engine needs to know about a job, or empty when it no longer exists
     */
    public ArchiveUploader(ArchiveQueue queue, LogArchiver archiver, Function<String, Optional<JobLogRef>> jobs,
            MeterRegistry metrics, Clock clock, Duration pollInterval) {
        this.queue = queue;
        this.archiver = archiver;
        this.jobs = jobs;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.uploads = Counter.builder("stroem_archive_uploads").description("Job logs archived").register(metrics);
        this.failures = Counter.builder("stroem_archive_upload_failures").description("Failed archive uploads")
                .register(metrics);
        this.uploadDuration = Timer.builder("stroem_archive_upload_duration").description("Time to archive one job log")
                .register(metrics);
        Gauge.builder("stroem_archive_queue_depth", queue, ArchiveQueue::depth)
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
                // The database may be briefly unavailable; the queue is durable, try again later.
                log.warn("archive queue could not be read: {}", e.getMessage());
                sleepQuietly();
            }
        }
    }

    /** Uploads everything that is due now; returns how many uploads succeeded. */
    public int drainOnce() {
        int done = 0;
        for (var entry : queue.due(clock.instant(), BATCH)) {
            if (!running) {
                break;
            }
            if (upload(entry)) {
                done++;
            }
        }
        return done;
    }

    private boolean upload(ArchiveQueue.Entry entry) {
        var ref = jobs.apply(entry.jobId());
        if (ref.isEmpty()) {
            return false;
        }
        long started = System.nanoTime();
        try {
            var result = archiver.archive(ref.get());
            uploadDuration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            queue.markArchived(entry.jobId(), entry.generation(), result.key(), result.archivedBytesForReads(), clock.instant());
            uploads.increment();
            log.info("job {} log archived to {} ({} bytes, {} compressed)", entry.jobId(), result.key(),
                    result.uncompressedBytes(), result.compressedBytes());
            return true;
        } catch (RuntimeException e) {
            failures.increment();
            var delay = backoff(entry.attempts());
            queue.markFailed(entry.jobId(), describe(e), clock.instant().plus(delay));
            log.warn("archiving job {} failed (attempt {}), retrying in {}s: {}", entry.jobId(), entry.attempts() + 1,
                    delay.toSeconds(), describe(e));
            return false;
        }
    }

    /** The wait before the next attempt after {@code attempts} earlier failures. */
    static Duration backoff(int attempts) {
        long factor = 1L << Math.min(attempts, 20);
        var delay = FIRST_RETRY.multipliedBy(factor);
        return delay.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay;
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
