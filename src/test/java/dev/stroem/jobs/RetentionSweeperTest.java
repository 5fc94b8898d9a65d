package dev.stroem.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.config.RetentionConfig;
import dev.stroem.jobs.store.Database;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.jobs.store.WorkerStore;
import dev.stroem.logs.ArchiveKey;
import dev.stroem.logs.JobLogRef;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogArchiver;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import dev.stroem.storage.LocalDirectoryStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention on SQLite, the local log store and the local archive backend, one sweep at a time. */
class RetentionSweeperTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private Database db;
    private JobStore jobs;
    private WorkerStore workers;
    private LogStateStore queue;
    private JobLogRefs refs;
    private LocalLogStore store;
    private LogArchiver archiver;
    private Instant now;

    @BeforeEach
    void setUp() {
        db = Database.open("sqlite:" + dir.resolve("stroem.db"));
        jobs = new JobStore(db, new ObjectMapper());
        workers = new WorkerStore(db, new ObjectMapper());
        queue = new LogStateStore(db);
        refs = new JobLogRefs(jobs, queue);
        store = new LocalLogStore(dir.resolve("logs"));
        archiver = new LogArchiver(store, new LocalDirectoryStore(dir.resolve("archive")), "");
        now = Instant.ofEpochMilli(clock.millis());
    }

    @AfterEach
    void tearDown() {
        store.close();
        db.close();
    }

    private RetentionSweeper sweeper(RetentionConfig config, int batch) {
        return new RetentionSweeper(jobs, workers, store, archiver, refs::of, config, batch, new SimpleMeterRegistry(), clock);
    }

    private Job created(String id, Instant at) {
        var job = new Job(id, "default", "nightly", JobStatus.PENDING, Map.of(), Job.SOURCE_API, null, null, null, null,
                null, at, null, null);
        jobs.createJob(job, List.of(new NewStep("s", "s", "script", List.of(), false, null, List.of())));
        store.append(id, List.of(new LogLine(at, LogStream.STDOUT, "s", "line of " + id)));
        return job;
    }

    private JobLogRef ref(Job job) {
        return new JobLogRef(job.jobId(), job.workspace(), job.taskName(), job.createdAt(), true, null);
    }

    /** A job that ended {@code ago}, finalised, and archived. */
    private Job archived(String id, Duration ago) {
        Instant ended = now.minus(ago);
        var job = created(id, ended.minusSeconds(60));
        jobs.useJob(id, tx -> {
            tx.finishJob(JobStatus.COMPLETED, null, null, ended);
            tx.markFinalised(true, ended);
        });
        return archivedBy(archiver, job, ended);
    }

    private Job archivedBy(LogArchiver by, Job job, Instant ended) {
        var result = by.archive(ref(job));
        queue.claimDue("test", ended, Duration.ofMinutes(1), 100);
        queue.markArchived(job.jobId(), "test", 1, result.key(), result.uncompressedBytes(), result.lines(), ended);
        return job;
    }

    private Path archivePath(Job job) {
        return dir.resolve("archive").resolve(ArchiveKey.of("", ref(job)));
    }

    private boolean everywhere(Job job) {
        return jobs.findJob(job.jobId()).isPresent() && Files.exists(store.jsonlPath(job.jobId()))
                && Files.exists(archivePath(job));
    }

    private boolean nowhere(Job job) {
        return jobs.findJob(job.jobId()).isEmpty() && !Files.exists(store.jsonlPath(job.jobId()))
                && !Files.exists(store.legacyPath(job.jobId())) && !Files.exists(archivePath(job))
                && queue.find(job.jobId()).isEmpty() && jobs.steps(job.jobId()).isEmpty();
    }

    @Test
    void oldTerminalJobsAreDeletedInBatchesFromEveryPlace_othersAreNotTouched() throws Exception {
        var old = List.of(archived("old-1", Duration.ofDays(3)), archived("old-2", Duration.ofDays(4)),
                archived("old-3", Duration.ofDays(5)), archived("old-4", Duration.ofDays(6)),
                archived("old-5", Duration.ofDays(7)));
        Files.writeString(store.legacyPath("old-1"), "legacy\n");
        var recent = archived("recent", Duration.ofHours(12));
        var running = created("running", now.minus(Duration.ofDays(9)));
        jobs.useJob("running", tx -> tx.markJobRunning(now.minus(Duration.ofDays(9))));
        var unfinalised = created("unfinalised", now.minus(Duration.ofDays(9)));
        jobs.useJob("unfinalised", tx -> tx.finishJob(JobStatus.FAILED, "boom", null, now.minus(Duration.ofDays(8))));
        var uploadPending = created("upload-pending", now.minus(Duration.ofDays(9)));
        jobs.useJob("upload-pending", tx -> {
            tx.finishJob(JobStatus.COMPLETED, null, null, now.minus(Duration.ofDays(8)));
            tx.markFinalised(true, now.minus(Duration.ofDays(8)));
        });

        var sweep = sweeper(new RetentionConfig(2L, null, null), 2).sweepOnce();

        assertThat(sweep).isEqualTo(new RetentionSweeper.Sweep(5, 0, 0));
        assertThat(old).allMatch(this::nowhere);
        assertThat(everywhere(recent)).isTrue();
        for (var kept : List.of(running, unfinalised, uploadPending)) {
            assertThat(jobs.findJob(kept.jobId())).as(kept.jobId()).isPresent();
            assertThat(store.jsonlPath(kept.jobId())).as(kept.jobId()).exists();
        }
    }

    @Test
    void retentionKeepsJob_whenArchiveDeleteFails_objectPathIsANonEmptyDirectory() throws Exception {
        var blocked = List.of(archived("b-1", Duration.ofDays(9)), archived("b-2", Duration.ofDays(8)),
                archived("b-3", Duration.ofDays(7)));
        var after = archived("after", Duration.ofDays(6));
        for (var job : blocked) {
            Path object = archivePath(job);
            Files.delete(object);
            Files.createDirectories(object);
            Files.writeString(object.resolve("in-the-way"), "x"); // deleting it fails: directory not empty
        }

        var outage = sweeper(new RetentionConfig(2L, null, null), 100).sweepOnce();

        assertThat(outage).as("three failures in a row end the round").isEqualTo(new RetentionSweeper.Sweep(0, 3, 0));
        for (var job : blocked) {
            assertThat(jobs.findJob(job.jobId())).as(job.jobId()).isPresent();
            assertThat(store.jsonlPath(job.jobId())).as(job.jobId()).exists();
        }
        assertThat(everywhere(after)).as("not reached in this round").isTrue();

        for (var job : blocked) {
            Files.delete(archivePath(job).resolve("in-the-way"));
        }
        var nextRound = sweeper(new RetentionConfig(2L, null, null), 100).sweepOnce();

        assertThat(nextRound).isEqualTo(new RetentionSweeper.Sweep(4, 0, 0));
        assertThat(blocked).allMatch(this::nowhere);
        assertThat(nowhere(after)).isTrue();
    }

    @Test
    void defect6_afterArchivePrefixChanged_retentionDeletesTheObjectUnderTheRecordedKey() {
        Instant ended = now.minus(Duration.ofDays(5));
        var job = created("moved-prefix", ended.minusSeconds(60));
        jobs.useJob(job.jobId(), tx -> {
            tx.finishJob(JobStatus.COMPLETED, null, null, ended);
            tx.markFinalised(true, ended);
        });
        var before = new LogArchiver(store, new LocalDirectoryStore(dir.resolve("archive")), "before/");
        archivedBy(before, job, ended);
        Path object = dir.resolve("archive").resolve(ArchiveKey.of("before/", ref(job)));
        assertThat(object).exists();
        // The operator changes archive.prefix: the sweeper's archiver now makes keys under after/.
        archiver = new LogArchiver(store, new LocalDirectoryStore(dir.resolve("archive")), "after/");

        var sweep = sweeper(new RetentionConfig(2L, null, null), 100).sweepOnce();

        assertThat(sweep).isEqualTo(new RetentionSweeper.Sweep(1, 0, 0));
        assertThat(object).as("the real object, not an orphan").doesNotExist();
        assertThat(jobs.findJob(job.jobId())).isEmpty();
    }

    @Test
    void inactiveWorkersSilentLongerThanWorkerHoursAreDeleted() {
        var longGone = new Worker("gone", "w-gone", List.of("script"), List.of(), null, Worker.ACTIVE,
                now.minus(Duration.ofHours(5)), now.minus(Duration.ofHours(3)));
        var recentlyGone = new Worker("recent", "w-recent", List.of("script"), List.of(), null, Worker.ACTIVE,
                now.minus(Duration.ofHours(5)), now.minus(Duration.ofMinutes(30)));
        var silentButActive = new Worker("active", "w-active", List.of("script"), List.of(), null, Worker.ACTIVE,
                now.minus(Duration.ofHours(5)), now.minus(Duration.ofHours(3)));
        workers.register(longGone);
        workers.register(recentlyGone);
        workers.register(silentButActive);
        workers.deactivateSilentSince(now.minus(Duration.ofMinutes(10)));
        workers.heartbeat("active", now.minus(Duration.ofHours(3))); // reactivated, still old

        var sweep = sweeper(new RetentionConfig(null, 2L, null), 100).sweepOnce();

        assertThat(sweep).isEqualTo(new RetentionSweeper.Sweep(0, 0, 1));
        assertThat(workers.list()).extracting(Worker::workerId).containsExactlyInAnyOrder("recent", "active");
    }

    @Test
    void withoutJobDaysOrWorkerHoursNothingIsDeleted() {
        var old = archived("old", Duration.ofDays(3650));
        var sweeper = sweeper(new RetentionConfig(null, null, null), 100);

        assertThat(sweeper.enabled()).isFalse();
        assertThat(sweeper.sweepOnce()).isEqualTo(new RetentionSweeper.Sweep(0, 0, 0));
        assertThat(everywhere(old)).isTrue();
    }
}
