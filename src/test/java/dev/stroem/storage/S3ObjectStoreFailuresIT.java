package dev.stroem.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The S3 archive when S3 is down, refuses us, or lacks the bucket: clear ArchiveExceptions, no hanging. */
class S3ObjectStoreFailuresIT {

    private static final String KEY = "logs/default/hello/2025/02/12/2025-02-12T10-56-45_job.jsonl.gz";

    /** Short timeouts and two attempts, so an outage is reported in seconds, as an operator would configure for a test. */
    private static final S3StoreOptions IMPATIENT = S3StoreOptions.defaults()
            .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5))
            .withMaxAttempts(2);

    @Test
    void s3DownIsAnArchiveExceptionNamingObjectAndEndpoint() {
        var server = new S3ProxyServer().start();
        server.createBucket("logs");
        var config = server.archiveConfig("logs", "logs/");
        server.stop();

        try (var archive = S3ObjectStore.create(config, IMPATIENT)) {
            String unreachable = "s3://logs/" + KEY + " failed: S3 at " + server.endpoint() + " is unreachable";

            assertThatThrownBy(() -> archive.put(KEY, out -> out.write(new byte[] {1, 2, 3})))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("writing " + unreachable);
            assertThatThrownBy(() -> archive.open(KEY))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("reading " + unreachable);
            assertThatThrownBy(() -> archive.delete(KEY))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("deleting " + unreachable);
        }
    }

    @Test
    void wrongCredentialsAreAccessDenied() {
        try (var server = new S3ProxyServer().withCredentials("someone-else", "their-secret").start();
                var archive = S3ObjectStore.create(server.archiveConfig("logs", ""), IMPATIENT)) {
            server.createBucket("logs");

            assertThatThrownBy(() -> archive.put(KEY, out -> out.write(new byte[] {1, 2, 3})))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("writing s3://logs/" + KEY + " failed: access denied (");
            assertThatThrownBy(() -> archive.open(KEY))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("reading s3://logs/" + KEY + " failed: access denied (");
            assertThat(server.blobStore().blobExists("logs", KEY)).isFalse();
        }
    }

    @Test
    void missingBucketIsNamed() {
        try (var server = new S3ProxyServer().start();
                var archive = S3ObjectStore.create(server.archiveConfig("no-such-bucket", ""), IMPATIENT)) {

            assertThatThrownBy(() -> archive.open(KEY))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("reading s3://no-such-bucket/" + KEY + " failed: the bucket does not exist");
            assertThatThrownBy(() -> archive.put(KEY, out -> out.write(1)))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("writing s3://no-such-bucket/" + KEY + " failed: the bucket does not exist");
        }
    }
}
