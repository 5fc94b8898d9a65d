package dev.stroem.jobs;

import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Jobs per status for the {@code stroem_jobs} gauges: one query answers all of them for
 * {@code maxAgeNanos}, so a {@code /metrics} scrape costs one GROUP BY, not one per status.
 */
public final class JobStatusCounts {
    private final Supplier<Map<JobStatus, Long>> query;
    private final LongSupplier nanoTime;
    private final long maxAgeNanos;
    private Map<JobStatus, Long> last;
    private long lastAt;

    public JobStatusCounts(Supplier<Map<JobStatus, Long>> query, LongSupplier nanoTime, long maxAgeNanos) {
        this.query = query;
        this.nanoTime = nanoTime;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** Jobs in {@code status}, from a count at most {@code maxAgeNanos} old. */
    public synchronized long count(JobStatus status) {
        long now = nanoTime.getAsLong();
        if (last == null || now - lastAt > maxAgeNanos) {
            last = query.get();
            lastAt = now;
        }
        return last.getOrDefault(status, 0L);
    }
}
