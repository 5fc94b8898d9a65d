package dev.stroem.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3-compatible stores may reject the SDK's newer default integrity checksums
 * ({@code x-amz-checksum-crc32} headers or trailers), so a client for a custom endpoint must not send them.
 */
class S3ChecksumHeadersIT {

    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    @Test
    void clientForACustomEndpointSendsNoChecksumHeaders() throws IOException {
        S3.createBucket("checksums");
        var requests = new RecordingInterceptor();
        var options = S3StoreOptions.defaults().withInterceptor(requests);

        try (var archive = S3ObjectStore.create(S3.archiveConfig("checksums", ""), options)) {
            archive.put("single.jsonl.gz", out -> out.write(new byte[] {1, 2, 3}));
            archive.put("multi.jsonl.gz", out -> {
                byte[] bytes = new byte[S3StoreOptions.DEFAULT_PART_SIZE + 1];
                new Random(1).nextBytes(bytes);
                out.write(bytes);
            });
            try (var in = archive.open("multi.jsonl.gz").orElseThrow()) {
                in.readAllBytes();
            }
        }

        assertThat(requests.sent()).extracting(RecordingInterceptor.SentRequest::operation)
                .contains("PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "GetObject");
        assertThat(requests.sent()).noneSatisfy(r -> assertThat(r.hasHeaderStartingWith("x-amz-checksum")).isTrue());
        assertThat(requests.sent()).noneSatisfy(r -> assertThat(r.hasHeaderStartingWith("x-amz-trailer")).isTrue());
        assertThat(requests.sent()).noneSatisfy(r -> assertThat(r.hasHeaderStartingWith("x-amz-sdk-checksum")).isTrue());
    }

    /** Shows the assertion above can fail: the SDK's defaults do announce a CRC32 checksum. */
    @Test
    void sdkDefaultsWouldSendAChecksum() {
        var requests = new RecordingInterceptor();
        try (S3Client defaults = S3Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(S3.endpoint().toString()))
                .forcePathStyle(true)
                .overrideConfiguration(o -> o.addExecutionInterceptor(requests).retryStrategy(r -> r.maxAttempts(1)))
                .build()) {
            S3.createBucket("checksums");
            try {
                defaults.putObject(r -> r.bucket("checksums").key("default.bin").contentType("application/gzip"),
                        RequestBody.fromBytes(new byte[] {1, 2, 3}));
            } catch (RuntimeException rejectedOrNot) {
                // Whether S3Proxy accepts it is not the point here; what was sent is.
            }
        }

        assertThat(requests.sent("PutObject")).anySatisfy(r ->
                assertThat(r.hasHeaderStartingWith("x-amz-checksum") || r.hasHeaderStartingWith("x-amz-trailer")
                        || r.hasHeaderStartingWith("x-amz-sdk-checksum")).isTrue());
    }
}
