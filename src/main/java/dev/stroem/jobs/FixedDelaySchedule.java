package dev.stroem.jobs;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task run on its own daemon thread with a fixed delay between runs, for the sweepers. A run
 * that throws is logged and the schedule goes on: a sweep failing while the database is briefly
 * away must not end all later sweeps.
 */
final class FixedDelaySchedule implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FixedDelaySchedule.class);

    private final String name;
    private final ScheduledExecutorService scheduler;

    /** @param name the thread's name, also used in the log */
    FixedDelaySchedule(String name) {
        this.name = name;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    void start(Runnable task, Duration first, Duration every) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("{}: run failed; the next one retries: {}", name, e.toString());
            }
        }, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets a run in progress finish (up to 10 s), then stops. */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
