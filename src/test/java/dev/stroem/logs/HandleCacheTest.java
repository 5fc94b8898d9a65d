package dev.stroem.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounded set of open write handles when most of them are in use. */
class HandleCacheTest {
    @TempDir
    Path dir;

    private List<JobLogFile> openAll(HandleCache cache, int n) throws Exception {
        var jobs = new ArrayList<JobLogFile>();
        for (int i = 0; i < n; i++) {
            var job = new JobLogFile("job-" + i, dir);
            job.lock.lock();
            try {
                cache.acquire(job);
            } finally {
                job.lock.unlock();
            }
            jobs.add(job);
        }
        return jobs;
    }

    private static CompletableFuture<JobLogFile> acquireElsewhere(HandleCache cache, JobLogFile job) {
        return CompletableFuture.supplyAsync(() -> {
            job.lock.lock();
            try {
                cache.acquire(job);
                return job;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                job.lock.unlock();
            }
        });
    }

    @Test
    void defect8_anIdleHandleBeyondTheFirstEightCandidates_isEvicted() throws Exception {
        var cache = new HandleCache(9);
        var jobs = openAll(cache, 9);
        // The eight least recently used handles are mid-write (their jobs' locks are held).
        jobs.subList(0, 8).forEach(j -> j.lock.lock());
        try {
            var tenth = acquireElsewhere(cache, new JobLogFile("job-9", dir));

            var acquired = tenth.get(30, TimeUnit.SECONDS);

            assertThat(acquired.channel).isNotNull();
            assertThat(jobs.get(8).channel).as("the idle ninth handle made room").isNull();
            assertThat(cache.openCount()).isEqualTo(9);
        } finally {
            jobs.subList(0, 8).forEach(j -> j.lock.unlock());
        }
    }

    @Test
    void defect8_whenEveryHandleIsInUse_aCallerWaitsUntilOneIsReleased() throws Exception {
        var cache = new HandleCache(3);
        var jobs = openAll(cache, 3);
        jobs.forEach(j -> j.lock.lock());
        var fourth = acquireElsewhere(cache, new JobLogFile("job-3", dir));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> waitingThread(fourth));
            assertThat(fourth).isNotDone();

            jobs.get(1).lock.unlock();
            cache.lockReleased();

            assertThat(fourth.get(30, TimeUnit.SECONDS).channel).isNotNull();
            assertThat(jobs.get(1).channel).isNull();
        } finally {
            jobs.get(0).lock.unlock();
            jobs.get(2).lock.unlock();
        }
    }

    /** True once some thread is parked in the cache's wait (not spinning). */
    private static boolean waitingThread(CompletableFuture<?> f) {
        return Thread.getAllStackTraces().entrySet().stream().anyMatch(e -> e.getKey().getState() == Thread.State.TIMED_WAITING
                && List.of(e.getValue()).stream().anyMatch(frame -> frame.getMethodName().equals("reserve")));
    }
}
