package dev.stroem.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.store.Database;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.logs.LiveFrameSink;
import dev.stroem.logs.LiveLogHub;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.StreamRequest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams end because the durable log state says so, not because a callback happened to arrive. */
class LiveLogEndingTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private Database db;
    private JobStore jobs;
    private LogStateStore states;
    private LocalLogStore store;
    private LiveLogHub hub;

    @BeforeEach
    void setUp() {
        db = Database.open("sqlite:" + dir.resolve("stroem.db"));
        jobs = new JobStore(db, new ObjectMapper());
        states = new LogStateStore(db);
        store = new LocalLogStore(dir.resolve("logs"));
        hub = new LiveLogHub(store, LiveLogHub.Options.defaults());
        store.addListener(hub);
        jobs.createJob(new Job("j1", "default", "t", JobStatus.PENDING, Map.of(), Job.SOURCE_API, null, null, null,
                null, null, clock.instant(), null, null),
                List.of(new NewStep("s", "s", "script", List.of(), false, null, List.of())));
    }

    @AfterEach
    void tearDown() {
        hub.close();
        store.close();
        db.close();
    }

    /** A viewer's socket: only whether its stream ended matters here. */
    private static final class EndWatchingSink implements LiveFrameSink {
        volatile boolean finished;

        @Override
        public void send(ByteBuffer frame, Runnable sent, Consumer<Throwable> failed) {
            sent.run();
        }

        @Override
        public void finished() {
            finished = true;
        }

        @Override
        public void aborted(Throwable cause) {}
    }

    @Test
    void defect3_whenTheFinalisedCallbackIsLost_theSweepStillEndsTheViewersStream() {
        var ending = new LiveLogEnding(states, hub);
        var viewer = new EndWatchingSink();
        hub.follow(new StreamRequest("j1", 0, null, false), viewer);
        assertThat(ending.sweepOnce()).as("the job still runs: nothing to end").isZero();

        // The job is finalised, but the call after the commit never comes (a database error right
        // after it, or another server finalised the job): only the durable state says so.
        Instant now = clock.instant();
        jobs.useJob("j1", tx -> {
            tx.finishJob(JobStatus.COMPLETED, null, null, now);
            tx.markFinalised(false, now);
        });
        assertThat(viewer.finished).isFalse();

        assertThat(ending.sweepOnce()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> viewer.finished);
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.viewers() == 0);
    }

    @Test
    void defect3_theScheduledSweepEndsTheStreamWithoutAnyCallback() {
        var ending = new LiveLogEnding(states, hub).start(Duration.ofMillis(50));
        try {
            var viewer = new EndWatchingSink();
            hub.follow(new StreamRequest("j1", 0, null, false), viewer);
            Instant now = clock.instant();
            jobs.useJob("j1", tx -> {
                tx.finishJob(JobStatus.FAILED, "boom", null, now);
                tx.markFinalised(false, now);
            });

            await().atMost(Duration.ofSeconds(30)).until(() -> viewer.finished);
        } finally {
            ending.close();
        }
    }
}
