package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobLogRefs;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.NewStep;
import dev.stroem.jobs.store.Database;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.logs.JobLogReader;
import dev.stroem.logs.LiveLogHub;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.StreamRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting a socket's stream: what happens when the database fails half-way through. */
class LogStreamSubscribeTest {
    @TempDir
    Path dir;

    private Database db;
    private JobStore jobs;
    private LocalLogStore store;
    private LiveLogHub hub;
    private LogStreamApi api;
    private Job job;

    /**
     * Fault injection: the "is the log complete?" look fails as a lost database connection would.
     * A real database cannot be made to fail between the hub subscription and this look.
     */
    private static boolean failingCompletionLookup(String jobId) {
        throw new IllegalStateException("injected: database connection lost");
    }

    @BeforeEach
    void setUp() {
        db = Database.open("sqlite:" + dir.resolve("stroem.db"));
        jobs = new JobStore(db, new ObjectMapper());
        var states = new LogStateStore(db);
        store = new LocalLogStore(dir.resolve("logs"));
        hub = new LiveLogHub(store, LiveLogHub.Options.defaults());
        store.addListener(hub);
        job = new Job("j1", "default", "t", JobStatus.RUNNING, Map.of(), Job.SOURCE_API, null, null, null, null, null,
                Instant.parse("2026-12-01T10:00:00Z"), null, null);
        jobs.createJob(job, List.of(new NewStep("s", "s", "script", List.of(), false, null, List.of())));
        api = new LogStreamApi(jobs, LogStreamSubscribeTest::failingCompletionLookup, new JobLogRefs(jobs, states),
                new JobLogReader(store), store, hub,
                RouteGuard.open(new TaskRefs(new dev.stroem.workflow.WorkspaceCatalog(Map.of(), dir), jobs)),
                new LogStreamApi.Settings(Duration.ofHours(1), Duration.ofHours(1)), new SimpleMeterRegistry());
    }

    @AfterEach
    void tearDown() {
        api.close();
        hub.close();
        store.close();
        db.close();
    }

    @Test
    void defect3_whenSubscribeThrowsAfterTheHubFollowedTheJob_theHubKeepsNoViewer() {
        var prepared = new LogStreamApi.Prepared(job, new StreamRequest("j1", 0, null, false), false);
        var socket = new LogStreamSocket(api, prepared);

        assertThatThrownBy(() -> api.subscribe(prepared, socket)).hasMessageContaining("injected");

        // The socket closes with 1011; nobody would ever cancel a viewer the hub kept.
        assertThat(hub.viewers()).isZero();
        assertThat(hub.watchedJobs()).isZero();
        assertThat(hub.followedJobs()).isEmpty();
    }
}
