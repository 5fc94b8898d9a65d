package dev.stroem.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.jobs.store.PostgresTestDatabase;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cron scheduler on PostgreSQL, and two servers on one database firing each slot once. */
class CronSchedulerPostgresIT extends CronSchedulerContract {
    private PostgresTestDatabase database;

    @BeforeEach
    void createDatabase() {
        database = PostgresTestDatabase.create();
    }

    @AfterEach
    void dropDatabase() throws Exception {
        database.close();
    }

    @Override
    String databaseUrl() {
        return database.url();
    }

    @Test
    void twoServersRacingForTheSameSlotFireItOnce() throws Exception {
        var clock = new SettableClock(Instant.parse("2026-01-10T00:00:00Z"));
        String workflow = TASK + """
                triggers:
                  hourly:
                    type: scheduler
                    cron: "0 * * * *"
                    task: backup
                """;
        try (var a = new TriggerServer(dir.resolve("a"), databaseUrl(), clock).workflow(workflow).start();
                var b = new TriggerServer(dir.resolve("b"), databaseUrl(), clock).workflow(workflow).start()) {
            a.tick();
            b.tick();
            for (int hour = 1; hour <= 5; hour++) {
                clock.set(Instant.parse("2026-01-10T00:00:00Z").plusSeconds(3600L * hour));
                // Both believe they lead (as during a leadership hand-over) and run the round at once.
                var barrier = new CyclicBarrier(2);
                var first = CompletableFuture.runAsync(() -> await(barrier, a));
                var second = CompletableFuture.runAsync(() -> await(barrier, b));
                first.get();
                second.get();
            }
            assertThat(a.jobTimes()).hasSize(5).doesNotHaveDuplicates();
        }
    }

    private static void await(CyclicBarrier barrier, TriggerServer server) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        server.tick();
    }
}
