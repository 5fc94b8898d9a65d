package dev.stroem.logs.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobLogRefs;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.MutableClock;
import dev.stroem.jobs.store.Database;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.LogState;
import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogArchiver;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import dev.stroem.storage.LocalDirectoryStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload loop on SQLite, the local log store and the local-directory archive. */
class ArchiveUploaderTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private Database db;
    private JobStore jobs;
    private LogStateStore states;
    private LocalLogStore store;
    private ArchiveUploader uploader;

    @BeforeEach
    void setUp() {
        db = Database.open("sqlite:" + dir.resolve("stroem.db"));
        jobs = new JobStore(db, new ObjectMapper());
        states = new LogStateStore(db);
        store = new LocalLogStore(dir.resolve("logs"));
        var archiver = new LogArchiver(store, new LocalDirectoryStore(dir.resolve("archive")), "logs/");
        uploader = new ArchiveUploader(states, archiver, new JobLogRefs(jobs, states)::of, "node-b",
                new SimpleMeterRegistry(), clock, Duration.ofHours(1));
    }

    @AfterEach
    void tearDown() {
        store.close();
        db.close();
    }

    private void finished(String jobId) {
        var now = clock.instant();
        jobs.createJob(new Job(jobId, "default", "t", JobStatus.PENDING, Map.of(), Job.SOURCE_API, null, null, null,
                null, null, now, null, null), List.of());
        jobs.useJob(jobId, tx -> {
            tx.finishJob(JobStatus.COMPLETED, null, null, now);
            tx.markFinalised(true, now);
        });
    }

    @Test
    void defect5_aNodeWithoutTheLocalLog_marksItMissing_neverArchived() {
        // Replica A ended the job and died before uploading; this node (B) never had its local log.
        finished("j1");

        assertThat(uploader.drainOnce()).isZero();

        var state = states.find("j1").orElseThrow();
        assertThat(state.state()).isEqualTo(LogState.MISSING);
        assertThat(state.archivedAt()).isNull();
        assertThat(state.key()).isNull();
        assertThat(state.lastError()).contains("no local log");
        assertThat(state.nextAttemptAt()).isAfter(clock.instant());
    }

    @Test
    void anArchivedLog_isRecordedWithItsKeyAndLineCount_andALateLineUploadsItAgainUnderTheSameKey() throws Exception {
        finished("j1");
        store.append("j1", List.of(new LogLine(clock.instant(), LogStream.STDOUT, "s", "one"),
                new LogLine(clock.instant(), LogStream.STDOUT, "s", "two")));

        assertThat(uploader.drainOnce()).isEqualTo(1);
        var archived = states.find("j1").orElseThrow();
        assertThat(archived.state()).isEqualTo(LogState.ARCHIVED);
        assertThat(archived.key()).startsWith("logs/default/t/");
        assertThat(archived.archivedLines()).isEqualTo(2);
        assertThat(archived.leaseOwner()).isNull();
        assertThat(dir.resolve("archive").resolve(archived.key())).exists();

        store.append("j1", List.of(new LogLine(clock.instant(), LogStream.STDOUT, "s", "late")));
        states.requestUpload("j1", clock.instant());
        assertThat(uploader.drainOnce()).isEqualTo(1);
        var again = states.find("j1").orElseThrow();
        assertThat(again.key()).isEqualTo(archived.key());
        assertThat(again.archivedLines()).isEqualTo(3);
        assertThat(Files.list(dir.resolve("archive").resolve(archived.key()).getParent())).hasSize(1);
    }
}
