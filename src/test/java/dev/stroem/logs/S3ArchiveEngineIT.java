package dev.stroem.logs;

import static dev.stroem.logs.TestLines.at;
import static dev.stroem.logs.TestLines.drain;
import static dev.stroem.logs.TestLines.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stroem.storage.StorageException;
import dev.stroem.storage.RecordingInterceptor;
import dev.stroem.storage.S3StoreOptions;
import dev.stroem.storage.S3ObjectStore;
import dev.stroem.storage.S3ProxyServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The log engine over the real S3 backend: {@link LogArchiver} writes through {@link S3ObjectStore}
 * to S3Proxy (HTTP, SigV4), {@link JobLogReader} reads back in the specification's fallback order.
 * The bucket is inspected through S3Proxy's own store, not through the code under test.
 */
class S3ArchiveEngineIT {

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    /** An operator's settings for a flaky network: an outage shows in seconds. */
    private static final S3StoreOptions IMPATIENT = S3StoreOptions.defaults()
            .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5))
            .withMaxAttempts(2);

    /** One second before midnight UTC on New Year's Eve: any zone but UTC puts it on another day or year. */
    private static final Instant CREATED = Instant.parse("2025-12-31T23:59:58.750Z");

    @TempDir
    Path dir;

    private final JsonlCodec codec = new JsonlCodec();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final RecordingInterceptor requests = new RecordingInterceptor();
    private String bucket;
    private S3ObjectStore archive;
    private LocalLogStore store;
    private LogArchiver archiver;
    private JobLogReader reader;
    private String jobId;
    private JobLogRef running;
    private JobLogRef ended;

    @BeforeEach
    void setUp() {
        bucket = "logs-" + UUID.randomUUID().toString().substring(0, 8);
        S3.createBucket(bucket);
        archive = S3ObjectStore.create(S3.archiveConfig(bucket, "logs/"),
                S3StoreOptions.defaults().withPartSize(S3StoreOptions.MIN_PART_SIZE).withInterceptor(requests));
        store = new LocalLogStore(dir.resolve("logs"));
        archiver = new LogArchiver(store, archive, "logs/");
        reader = new JobLogReader(store, archive, "logs/", new JobLogReader.MergeSettings(dir.resolve("spill"), 1 << 20));
        jobId = UUID.randomUUID().toString();
        running = new JobLogRef(jobId, "default", "nightly-build", CREATED, false, null);
        ended = new JobLogRef(jobId, "default", "nightly-build", CREATED, true, null);
        logged.start();
        ((Logger) LoggerFactory.getLogger(JobLogReader.class)).addAppender(logged);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(JobLogReader.class)).detachAppender(logged);
        archive.close();
        store.close();
    }

    private String expectedKey() {
        return "logs/default/nightly-build/2025/12/31/2025-12-31T23-59-58_" + jobId + ".jsonl.gz";
    }

    private void appendTypicalJob() {
        store.append(jobId, "b1", List.of(at(0, LogStream.STDOUT, "checkout", "Cloning into 'repo'..."),
                at(5, LogStream.STDERR, "checkout", "warning: redirecting to https://example.org/repo.git/")));
        store.append(jobId, "b2", List.of(at(10, LogStream.STDOUT, "build", "compiling 42 files"),
                at(11, LogStream.STDOUT, "build", "OUTPUT: {\"artifact\":\"app.jar\"}")));
        new ServerEvents(store, Clock.systemUTC()).write(jobId, null, "hooks", "Hook 'notify' failed: Command exited with code 3");
    }

    private record Result(LogSource source, List<String> texts) {}

    private Result read(JobLogRef ref) {
        try (JobLogRead read = reader.read(ref, LogQuery.all())) {
            return new Result(read.source(), texts(drain(read.cursor()), codec));
        }
    }

    private byte[] objectBytes(String key) throws IOException {
        try (InputStream in = S3.blobStore().getBlob(bucket, key).getPayload().openStream()) {
            return in.readAllBytes();
        }
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private List<String> bucketKeys() {
        var keys = new ArrayList<String>();
        for (StorageMetadata m : S3.blobStore().list(bucket, org.jclouds.blobstore.options.ListContainerOptions.Builder.recursive())) {
            if (m.getType() == org.jclouds.blobstore.domain.StorageType.BLOB) {
                keys.add(m.getName());
            }
        }
        return keys;
    }

    private void putObject(String key, byte[] bytes) {
        S3.blobStore().putBlob(bucket, S3.blobStore().blobBuilder(key).payload(bytes).contentType("application/gzip").build());
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void roundTrip_objectUnderTheSpecKeyWithCreationTimeInUtc_decodesToExactlyTheLocalFile() throws IOException {
        appendTypicalJob();
        byte[] local = Files.readAllBytes(store.jsonlPath(jobId));

        ArchiveResult result = archiver.archive(ended);

        assertThat(result.key()).isEqualTo(expectedKey());
        assertThat(result.archived()).isTrue();
        assertThat(result.uncompressedBytes()).isEqualTo(local.length);
        assertThat(bucketKeys()).containsExactly(expectedKey());
        byte[] object = objectBytes(expectedKey());
        assertThat(result.compressedBytes()).isEqualTo(object.length);
        assertThat(gunzip(object)).isEqualTo(local);
        assertThat(S3.blobStore().blobMetadata(bucket, expectedKey()).getContentMetadata().getContentType())
                .isEqualTo("application/gzip");
    }

    @Test
    void fallback_localWinsWhilePresent() {
        appendTypicalJob();
        ArchiveResult result = archiver.archive(ended);
        // The object now holds a line the local log lacks: a read that opens the archive would show it.
        putObject(result.key(), gzip(codec.encode(List.of(at(99, LogStream.STDOUT, "build", "only in the archive")))));

        Result whileRunning = read(running);
        Result archivedAsIs = read(ended.archived(result.uncompressedBytes()));

        var localTexts = List.of("Cloning into 'repo'...", "warning: redirecting to https://example.org/repo.git/",
                "compiling 42 files", "OUTPUT: {\"artifact\":\"app.jar\"}",
                "[hooks] Hook 'notify' failed: Command exited with code 3");
        assertThat(whileRunning).isEqualTo(new Result(LogSource.LOCAL, localTexts));
        assertThat(archivedAsIs).isEqualTo(new Result(LogSource.LOCAL, localTexts));
    }

    @Test
    void fallback_legacyLogComesBeforeTheArchive() throws IOException {
        appendTypicalJob();
        ArchiveResult result = archiver.archive(ended);
        Files.delete(store.jsonlPath(jobId));
        Files.writeString(store.legacyPath(jobId), "legacy line 1\nlegacy line 2\n");

        try (JobLogRead read = reader.read(ended.archived(result.uncompressedBytes()), LogQuery.all())) {
            assertThat(read.source()).isEqualTo(LogSource.LOCAL);
            assertThat(drain(read.cursor())).extracting(LogRecord::text).containsExactly("legacy line 1", "legacy line 2");
        }
    }

    @Test
    void fallback_archiveWhenTheLocalLogIsGone() throws IOException {
        appendTypicalJob();
        byte[] local = Files.readAllBytes(store.jsonlPath(jobId));
        ArchiveResult result = archiver.archive(ended);
        store.delete(jobId);

        JobLogRef ref = ended.archived(result.uncompressedBytes());
        try (JobLogRead read = reader.read(ref, LogQuery.all())) {
            assertThat(read.source()).isEqualTo(LogSource.ARCHIVE);
            var out = new ByteArrayOutputStream();
            read.cursor().writeTo(out);
            assertThat(out.toByteArray()).isEqualTo(local);
        }
        try (JobLogRead read = reader.read(ref, LogQuery.all().withStep("_server"))) {
            assertThat(texts(drain(read.cursor()), codec)).containsExactly("[hooks] Hook 'notify' failed: Command exited with code 3");
        }
    }

    @Test
    void merge_terminalJobWithLocalAndArchiveHoldingDifferentLines_isTheirUnionInTsOrderWithoutDuplicates() {
        store.append(jobId, List.of(at(0, LogStream.STDOUT, "s", "a"), at(20, LogStream.STDOUT, "s", "c")));
        archiver.archive(ended);
        store.delete(jobId);
        // The local log was lost and started again: it repeats one archived line and adds others.
        store.append(jobId, List.of(at(0, LogStream.STDOUT, "s", "a"), at(10, LogStream.STDOUT, "s", "b"),
                at(30, LogStream.STDERR, "_server", "[hooks] d")));

        assertThat(read(ended)).isEqualTo(new Result(LogSource.MERGED, List.of("a", "b", "c", "[hooks] d")));
    }

    @Test
    void corruptArchiveObject_readsTheLocalContentWithAWarning() {
        appendTypicalJob();
        putObject(expectedKey(), "this is not gzip at all".getBytes(StandardCharsets.UTF_8));

        Result result = read(ended);

        assertThat(result.source()).isEqualTo(LogSource.LOCAL);
        assertThat(result.texts()).hasSize(5).startsWith("Cloning into 'repo'...");
        assertThat(warnings()).anySatisfy(w -> assertThat(w).contains(expectedKey(), jobId, "reading the local log only"));
    }

    @Test
    void corruptArchiveObject_withoutLocalLog_readsEmptyWithAWarning() {
        putObject(expectedKey(), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});

        assertThat(read(ended)).isEqualTo(new Result(LogSource.NONE, List.of()));
        assertThat(warnings()).anySatisfy(w -> assertThat(w).contains(expectedKey()));
    }

    @Test
    void s3Down_S3ProxyStopped_readerDegradesToLocal_archiverThrowsArchiveException() {
        try (var down = new S3ProxyServer().start()) {
            down.createBucket("logs");
            try (var unreachable = S3ObjectStore.create(down.archiveConfig("logs", "logs/"), IMPATIENT)) {
                down.stop();
                appendTypicalJob();
                var degradedReader = new JobLogReader(store, unreachable, "logs/",
                        new JobLogReader.MergeSettings(dir.resolve("spill"), 1 << 20));

                try (JobLogRead read = degradedReader.read(ended, LogQuery.all())) {
                    assertThat(read.source()).isEqualTo(LogSource.LOCAL);
                    assertThat(drain(read.cursor())).hasSize(5);
                }
                assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("unreachable", "reading the local log only"));
                assertThatThrownBy(() -> new LogArchiver(store, unreachable, "logs/").archive(ended))
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining(expectedKey())
                        .hasMessageContaining("unreachable");
            }
        }
    }

    @Test
    void multiMegabyteLog_isArchivedThroughMultipartAndReadsBackByteForByte() throws Exception {
        // Random text barely compresses, so the gzip stream spans several 5 MiB parts.
        var random = new Random(42);
        byte[] noise = new byte[96];
        for (int batch = 0; batch < 40; batch++) {
            var lines = new ArrayList<LogLine>(4000);
            for (int i = 0; i < 4000; i++) {
                random.nextBytes(noise);
                lines.add(at(batch * 4000L + i, LogStream.STDOUT, "big", Base64.getEncoder().encodeToString(noise)));
            }
            store.append(jobId, "batch-" + batch, lines);
        }
        Path file = store.jsonlPath(jobId);
        long size = Files.size(file);
        byte[] localDigest;
        try (var in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            localDigest = in.getMessageDigest().digest();
        }
        assertThat(size).isGreaterThan(20L << 20);
        requests.clear();

        ArchiveResult result = archiver.archive(ended);
        store.delete(jobId);

        assertThat(result.compressedBytes()).isGreaterThan(2L * S3StoreOptions.MIN_PART_SIZE);
        assertThat(requests.sent("CreateMultipartUpload")).hasSize(1);
        assertThat(requests.sent("UploadPart")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(requests.sent("CompleteMultipartUpload")).hasSize(1);
        assertThat(requests.sent("PutObject")).isEmpty();
        try (JobLogRead read = reader.read(ended.archived(result.uncompressedBytes()), LogQuery.all())) {
            assertThat(read.source()).isEqualTo(LogSource.ARCHIVE);
            var digest = new DigestOutputStream(OutputStream.nullOutputStream(), MessageDigest.getInstance("SHA-256"));
            assertThat(read.cursor().writeTo(digest)).isEqualTo(40 * 4000L);
            assertThat(digest.getMessageDigest().digest()).isEqualTo(localDigest);
        }
    }

    private static byte[] gzip(byte[] plain) {
        var out = new ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
