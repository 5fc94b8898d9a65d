package dev.stroem.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** The S3 archive against a real S3 server (S3Proxy, HTTP, SigV4). */
class S3ObjectStoreIT {

    private static final int PART = S3StoreOptions.MIN_PART_SIZE;

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    private final RecordingInterceptor requests = new RecordingInterceptor();
    private String bucket;
    private S3ObjectStore archive;

    @BeforeEach
    void createBucketAndArchive() {
        bucket = "logs-" + UUID.randomUUID().toString().substring(0, 8);
        S3.createBucket(bucket);
        archive = S3ObjectStore.create(S3.archiveConfig(bucket, "logs/"),
                S3StoreOptions.defaults().withPartSize(PART).withInterceptor(requests));
    }

    @AfterEach
    void closeArchive() {
        archive.close();
    }

    @Test
    void gzipLogRoundTripsAndIsDeleted() throws IOException {
        String key = "logs/default/hello-world/2025/02/12/2025-02-12T10-56-45_" + UUID.randomUUID() + ".jsonl.gz";
        String jsonl = """
                {"ts":"2025-02-12T10:56:45.123Z","stream":"stdout","step":"say-hello","line":"Hello World"}
                {"ts":"2025-02-12T10:56:45.200Z","stream":"stderr","step":"_server","line":"[hooks] done"}
                """;

        archive.put(key, out -> {
            try (var gzip = new GZIPOutputStream(out)) { // closes the archive's stream itself, as writers do
                gzip.write(jsonl.getBytes(StandardCharsets.UTF_8));
            }
        });

        assertThat(gunzip(archive.open(key).orElseThrow())).isEqualTo(jsonl);
        assertThat(S3.blobStore().blobMetadata(bucket, key).getContentMetadata().getContentType())
                .isEqualTo("application/gzip");

        archive.delete(key);

        assertThat(archive.open(key)).isEmpty();
    }

    @Test
    void nestedKeysOfTheSpecLayoutAreStoredExactlyAsGiven() throws IOException {
        String first = "logs/a/b/2025/02/12/2025-02-12T10-56-45_job-1.jsonl.gz";
        String second = "logs/a/b/2025/02/13/2025-02-13T00-00-00_job-2.jsonl.gz";
        String unprefixed = "ops/nightly/2024/12/31/2024-12-31T23-59-59_job-3.jsonl.gz";

        archive.put(first, out -> out.write(gzip("one\n")));
        archive.put(second, out -> out.write(gzip("two\n")));
        archive.put(unprefixed, out -> out.write(gzip("three\n")));

        assertThat(S3.blobStore().list(bucket, ListContainerOptions.Builder.recursive()))
                .extracting(StorageMetadata::getName)
                .containsExactlyInAnyOrder(first, second, unprefixed);
        assertThat(gunzip(archive.open(first).orElseThrow())).isEqualTo("one\n");
        assertThat(gunzip(archive.open(second).orElseThrow())).isEqualTo("two\n");
        assertThat(gunzip(archive.open(unprefixed).orElseThrow())).isEqualTo("three\n");
    }

    @Test
    void objectLargerThanAPartIsUploadedInPartsWhileItIsWrittenAndRoundTripsByteExactly() throws Exception {
        String key = "logs/big/task/2025/02/12/2025-02-12T10-56-45_big.jsonl.gz";
        long size = 2L * PART + 12_345;
        var writtenDigest = MessageDigest.getInstance("SHA-256");
        var partsSentWhileWriting = new long[1];

        archive.put(key, out -> {
            var digesting = new DigestOutputStream(out, writtenDigest);
            writeRandom(digesting, 2L * PART + 1, 42);
            // Two parts and a byte written: the first part must already be on its way, not held in memory.
            partsSentWhileWriting[0] = requests.sent("UploadPart").size();
            writeRandom(digesting, size - (2L * PART + 1), 43);
        });

        assertThat(partsSentWhileWriting[0]).isGreaterThanOrEqualTo(1);
        assertThat(requests.sent("CreateMultipartUpload")).hasSize(1);
        assertThat(requests.sent("UploadPart")).hasSize(3)
                .allSatisfy(part -> assertThat(part.payloadLength()).isBetween(1L, (long) PART));
        assertThat(requests.sent("CompleteMultipartUpload")).hasSize(1);
        assertThat(requests.sent("PutObject")).isEmpty();

        var readDigest = MessageDigest.getInstance("SHA-256");
        long read;
        try (var in = new DigestInputStream(archive.open(key).orElseThrow(), readDigest)) {
            read = in.transferTo(OutputStream.nullOutputStream());
        }
        assertThat(read).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(readDigest.digest())).isEqualTo(HexFormat.of().formatHex(writtenDigest.digest()));
    }

    @Test
    void objectOfExactlyOnePartIsASinglePut() throws IOException {
        String key = "logs/edge/one-part.jsonl.gz";

        archive.put(key, out -> writeRandom(out, PART, 7));

        assertThat(requests.sent("PutObject")).hasSize(1);
        assertThat(requests.sent("CreateMultipartUpload")).isEmpty();
        try (var in = archive.open(key).orElseThrow()) {
            assertThat(in.transferTo(OutputStream.nullOutputStream())).isEqualTo(PART);
        }
    }

    @Test
    void closingAnObjectStreamBeforeItsEndLeavesTheArchiveUsable() throws IOException {
        String key = "logs/edge/partly-read.jsonl.gz";
        archive.put(key, out -> writeRandom(out, PART, 9));

        try (var in = archive.open(key).orElseThrow()) {
            assertThat(in.readNBytes(10)).hasSize(10);
        }

        try (var in = archive.open(key).orElseThrow()) {
            assertThat(in.transferTo(OutputStream.nullOutputStream())).isEqualTo(PART);
        }
    }

    @Test
    void emptyContentIsAnEmptyObject() throws IOException {
        String key = "logs/edge/empty.jsonl.gz";

        archive.put(key, out -> { });

        try (var in = archive.open(key).orElseThrow()) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void missingKeyOpensEmptyAndDeletesQuietly() {
        assertThat(archive.open("logs/nope/2025/01/01/2025-01-01T00-00-00_none.jsonl.gz")).isEmpty();

        archive.delete("logs/nope/2025/01/01/2025-01-01T00-00-00_none.jsonl.gz");
    }

    @Test
    void writerFailureAfterAPartAbortsTheUploadAndLeavesNoObject() {
        String key = "logs/broken/task/2025/02/12/2025-02-12T10-56-45_broken.jsonl.gz";

        assertThatThrownBy(() -> archive.put(key, out -> {
            writeRandom(out, PART + 10, 1);
            throw new IOException("local log vanished");
        }))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("s3://" + bucket + "/" + key)
                .hasMessageContaining("local log vanished");

        assertThat(requests.sent("UploadPart")).hasSize(1);
        assertThat(requests.sent("AbortMultipartUpload")).hasSize(1);
        assertThat(requests.sent("CompleteMultipartUpload")).isEmpty();
        assertThat(archive.open(key)).isEmpty();
    }

    @Test
    void theNextPartFillsWhileAPartIsSent() throws Exception {
        // Part 1 may finish only once the writer has filled part 2: a stream that sent parts from the
        // writer's own thread would hold the writer in part 1's upload, and the latch would time out.
        var partTwoFilled = new CountDownLatch(1);
        var overlapped = new AtomicBoolean();
        var holdPartOne = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                if (context.request() instanceof UploadPartRequest part && part.partNumber() == 1) {
                    try {
                        overlapped.set(partTwoFilled.await(30, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        String key = "logs/pipelined/object.bin";
        try (var store = S3ObjectStore.create(S3.archiveConfig(bucket, "logs/"),
                S3StoreOptions.defaults().withPartSize(PART).withInterceptor(holdPartOne))) {
            store.put(key, out -> {
                writeRandom(out, 2L * PART, 5);
                partTwoFilled.countDown();
                writeRandom(out, 100, 6);
            });
            assertThat(overlapped).isTrue();
            try (var in = store.open(key).orElseThrow()) {
                assertThat(in.transferTo(OutputStream.nullOutputStream())).isEqualTo(2L * PART + 100);
            }
        }
    }

    @Test
    void aPartThatFailsWhileTheNextFills_faultInjectedByAnInterceptor_failsThePutAndAbortsTheUpload() {
        var failPartTwo = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof UploadPartRequest part && part.partNumber() == 2) {
                    throw SdkClientException.create("injected: the connection broke while part 2 was sent");
                }
            }
        };
        String key = "logs/broken-part/object.bin";
        try (var store = S3ObjectStore.create(S3.archiveConfig(bucket, "logs/"),
                S3StoreOptions.defaults().withPartSize(PART).withInterceptor(requests).withInterceptor(failPartTwo))) {
            assertThatThrownBy(() -> store.put(key, out -> writeRandom(out, 4L * PART, 8)))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(key);
            assertThat(requests.sent("AbortMultipartUpload")).hasSize(1);
            assertThat(requests.sent("CompleteMultipartUpload")).isEmpty();
            assertThat(store.open(key)).isEmpty();
        }
    }

    @Test
    void rewritingAKeyReplacesTheObject() throws IOException {
        String key = "logs/retry/task/2025/02/12/2025-02-12T10-56-45_retry.jsonl.gz";

        archive.put(key, out -> out.write(gzip("first attempt\n")));
        archive.put(key, out -> out.write(gzip("second attempt\n")));

        assertThat(gunzip(archive.open(key).orElseThrow())).isEqualTo("second attempt\n");
    }

    @Test
    void describeNamesBucketAndEndpoint() {
        assertThat(archive.describe()).isEqualTo("s3://" + bucket + " (S3 at " + S3.endpoint() + ")");
    }

    private static void writeRandom(OutputStream out, long bytes, long seed) throws IOException {
        var random = new Random(seed);
        byte[] chunk = new byte[64 * 1024];
        for (long left = bytes; left > 0; ) {
            random.nextBytes(chunk);
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    private static byte[] gzip(String text) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(bytes)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static String gunzip(InputStream in) throws IOException {
        try (var gzip = new GZIPInputStream(in)) {
            return new String(gzip.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
