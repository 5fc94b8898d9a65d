package dev.stroem.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.store.Database;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.LogState;
import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import dev.stroem.secrets.Masker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes into finalised jobs' logs ask for another upload: on SQLite and the local log store. */
class JobLogWriterTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private Database db;
    private JobStore jobs;
    private LogStateStore states;
    private LocalLogStore store;

    @BeforeEach
    void setUp() {
        db = Database.open("sqlite:" + dir.resolve("stroem.db"));
        jobs = new JobStore(db, new ObjectMapper());
        states = new LogStateStore(db);
        store = new LocalLogStore(dir.resolve("logs"));
        Instant now = clock.instant();
        jobs.createJob(new Job("j1", "default", "t", JobStatus.PENDING, Map.of(), Job.SOURCE_API, null, null, null,
                null, null, now, null, null), List.of(new NewStep("s", "s", "script", List.of(), false, null, List.of())));
        jobs.useJob("j1", tx -> {
            tx.finishJob(JobStatus.COMPLETED, null, null, now);
            tx.markFinalised(true, now);
        });
        states.claimDue("node", now, Duration.ofMinutes(1), 10);
        states.markArchived("j1", "node", 1, "default/t/j1.jsonl.gz", 0L, 0L, now);
    }

    @AfterEach
    void tearDown() {
        store.close();
        db.close();
    }

    /** Fault injection: the first upload request fails as a database error would, after the batch was written. */
    private static final class FailingOnceUploadRequests implements JobLogWriter.UploadRequests {
        private final LogStateStore real;
        private final AtomicBoolean failed = new AtomicBoolean();

        FailingOnceUploadRequests(LogStateStore real) {
            this.real = real;
        }

        @Override
        public boolean requestUpload(String jobId, Instant now) {
            if (failed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected: database connection lost");
            }
            return real.requestUpload(jobId, now);
        }
    }

    @Test
    void defect4_aLateBatchWhoseUploadRequestFailed_isRequestedWhenTheWorkerRetriesIt() {
        var writer = new JobLogWriter(store, new FailingOnceUploadRequests(states), clock, () -> {});
        var late = List.of(new LogLine(clock.instant(), LogStream.STDOUT, "s", "a late line"));

        // The worker gets a 500 and retries the same batch id.
        assertThatThrownBy(() -> writer.appendBatch("j1", "late-batch", late)).hasMessageContaining("injected");
        var retry = writer.appendBatch("j1", "late-batch", late);

        assertThat(retry.duplicate()).isTrue();
        assertThat(store.lineCount("j1")).isEqualTo(1);
        var state = states.find("j1").orElseThrow();
        assertThat(state.state()).as("the late line will be archived").isEqualTo(LogState.ARCHIVING);
        assertThat(state.generation()).isEqualTo(2);
    }

    @Test
    void aSecretAWorkerPrints_isMaskedBeforeTheLineReachesTheLocalFile_andARetriedBatchIsStillOneBatch() throws Exception {
        String secret = "s3cr3t-token-value";
        var writer = new JobLogWriter(store, JobLogWriter.UploadRequests.of(states, false), clock, () -> {},
                jobId -> Masker.of(List.of(secret)));
        var batch = List.of(
                new LogLine(clock.instant(), LogStream.STDOUT, "s", "token is " + secret),
                new LogLine(clock.instant(), LogStream.STDOUT, "s", "plain line"),
                new LogLine(clock.instant(), LogStream.STDERR, "s",
                        java.util.Base64.getEncoder().encodeToString(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8))));

        writer.appendBatch("j1", "b1", batch);
        var retry = writer.appendBatch("j1", "b1", batch);
        writer.serverEvent("j1", "e1", "hooks", "hook failed with " + secret);

        assertThat(retry.duplicate()).isTrue();
        assertThat(store.lineCount("j1")).isEqualTo(4);
        String file = java.nio.file.Files.readString(store.jsonlPath("j1"));
        assertThat(file).doesNotContain(secret).doesNotContain("czNjcjN0")
                .contains("token is " + Masker.MASK).contains("plain line").contains("[hooks] hook failed with " + Masker.MASK);
    }
}
