package dev.stroem.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JobStatusCountsTest {

    @Test
    void defect11_oneMetricsScrapeReadsAllFiveStatusGaugesFromOneQuery() {
        var queries = new AtomicInteger();
        var nanos = new AtomicLong();
        var counts = new JobStatusCounts(() -> {
            queries.incrementAndGet();
            return Map.of(JobStatus.RUNNING, 2L, JobStatus.FAILED, 1L);
        }, nanos::get, 1_000_000_000L);

        for (var status : JobStatus.values()) {
            counts.count(status); // what each stroem_jobs{status} gauge asks during one scrape
        }
        assertThat(queries).hasValue(1);
        assertThat(counts.count(JobStatus.RUNNING)).isEqualTo(2);
        assertThat(counts.count(JobStatus.PENDING)).isZero();

        nanos.addAndGet(1_500_000_000L); // the next scrape, later
        counts.count(JobStatus.FAILED);
        assertThat(queries).hasValue(2);
    }
}
