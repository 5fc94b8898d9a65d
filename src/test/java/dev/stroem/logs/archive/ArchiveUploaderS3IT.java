package dev.stroem.logs.archive;

import dev.stroem.jobs.store.LogState;
import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.storage.S3ObjectStore;
import dev.stroem.storage.S3ProxyServer;
import dev.stroem.storage.S3StoreOptions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.MutableClock;
import dev.stroem.jobs.store.Database;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.logs.JobLogRef;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogArchiver;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive uploader against a real S3 server that goes away and comes back: failures are
 * counted with their last error and retried after the backoff, and the upload succeeds once S3
 * answers again. Time is moved forward instead of waited for.
 */
class ArchiveUploaderS3IT {

    private static final S3StoreOptions IMPATIENT = S3StoreOptions.defaults()
            .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5))
            .withMaxAttempts(2);

    @TempDir
    Path dir;

    private S3ProxyServer s3;
    private Database db;
    private LocalLogStore store;
    private S3ObjectStore archive;

    @BeforeEach
    void setUp() {
        s3 = new S3ProxyServer().withFilesystemStore(dir.resolve("s3")).start();
        s3.createBucket("logs");
        db = Database.open("sqlite:" + dir.resolve("stroem.db"));
        store = new LocalLogStore(dir.resolve("logs"));
        archive = S3ObjectStore.create(s3.archiveConfig("logs", ""), IMPATIENT);
    }

    @AfterEach
    void tearDown() {
        archive.close();
        store.close();
        db.close();
        s3.stop();
    }

    @Test
    void uploadFailsWhileS3ProxyStopped_isRetriedWithBackoff_andSucceedsWhenS3IsBack() throws Exception {
        var clock = new MutableClock();
        var jobs = new JobStore(db, new ObjectMapper());
        var created = Instant.parse("2025-02-12T10:56:45Z");
        var job = new Job("job-1", "default", "hello", JobStatus.PENDING, Map.of(), Job.SOURCE_API, null, null, null,
                null, null, created, null, null);
        jobs.createJob(job, List.of());
        store.append("job-1", List.of(new LogLine(created, LogStream.STDOUT, "say", "Hello World")));
        var queue = new LogStateStore(db);
        jobs.useJob("job-1", tx -> {
            tx.finishJob(JobStatus.COMPLETED, null, null, clock.instant());
            tx.markFinalised(true, clock.instant());
        });
        var metrics = new SimpleMeterRegistry();
        var ref = new JobLogRef("job-1", "default", "hello", created, true, null);
        var uploader = new ArchiveUploader(queue, new LogArchiver(store, archive, ""), id -> Optional.of(ref), "node-a",
                metrics, clock, Duration.ofHours(1));

        s3.stop();
        assertThat(uploader.drainOnce()).isZero();

        var failing = queue.find("job-1").orElseThrow();
        assertThat(failing.state()).isEqualTo(LogState.FAILING);
        assertThat(failing.attempts()).isEqualTo(1);
        assertThat(failing.lastError()).contains("unreachable");
        assertThat(failing.nextAttemptAt()).isAfter(clock.instant());
        assertThat(uploader.drainOnce()).as("not due before its backoff").isZero();
        assertThat(queue.find("job-1").orElseThrow().attempts()).isEqualTo(1);

        clock.advance(ArchiveUploader.backoff(0));
        assertThat(uploader.drainOnce()).isZero();
        assertThat(queue.find("job-1").orElseThrow().attempts()).isEqualTo(2);
        assertThat(metrics.counter("stroem_archive_upload_failures").count()).isEqualTo(2.0);
        assertThat(metrics.get("stroem_archive_queue_depth").gauge().value()).isEqualTo(1.0);

        s3.start();
        clock.advance(ArchiveUploader.backoff(1));
        assertThat(uploader.drainOnce()).isEqualTo(1);

        var archived = queue.find("job-1").orElseThrow();
        String key = "default/hello/2025/02/12/2025-02-12T10-56-45_job-1.jsonl.gz";
        assertThat(archived.state()).isEqualTo(LogState.ARCHIVED);
        assertThat(archived.key()).isEqualTo(key);
        assertThat(archived.archivedAt()).isNotNull();
        assertThat(archived.attempts()).isZero();
        assertThat(archived.lastError()).isNull();
        assertThat(metrics.counter("stroem_archive_uploads").count()).isEqualTo(1.0);
        assertThat(metrics.get("stroem_archive_queue_depth").gauge().value()).isZero();
        byte[] object;
        try (InputStream in = s3.blobStore().getBlob("logs", key).getPayload().openStream()) {
            object = in.readAllBytes();
        }
        try (var gunzipped = new GZIPInputStream(new ByteArrayInputStream(object))) {
            assertThat(gunzipped.readAllBytes()).isEqualTo(Files.readAllBytes(store.jsonlPath("job-1")));
        }
    }

    @Test
    void backoffDoublesFromFiveSecondsUpToFifteenMinutes() {
        assertThat(ArchiveUploader.backoff(0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(ArchiveUploader.backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(ArchiveUploader.backoff(7)).isEqualTo(Duration.ofSeconds(640));
        assertThat(ArchiveUploader.backoff(8)).isEqualTo(Duration.ofMinutes(15));
        assertThat(ArchiveUploader.backoff(10_000)).isEqualTo(Duration.ofMinutes(15));
    }
}
