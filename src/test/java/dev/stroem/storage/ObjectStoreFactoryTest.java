package dev.stroem.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stroem.config.ArchiveConfig;
import dev.stroem.config.LegacyS3Config;
import dev.stroem.config.LogStorageConfig;
import org.junit.jupiter.api.Test;

/** Which backend a configuration gets. Building a client sends nothing, so no server is needed here. */
class ObjectStoreFactoryTest {

    @Test
    void s3TypeWithEndpointBuildsTheS3Archive() {
        var config = new ArchiveConfig("s3", "my-stroem-logs", "eu-west-1", "logs/", "http://minio:9000", null);

        try (var archive = (S3ObjectStore) ObjectStoreFactory.create(config)) {
            assertThat(archive.describe()).isEqualTo("s3://my-stroem-logs (S3 at http://minio:9000)");
        }
    }

    @Test
    void s3TypeOnAwsNamesTheRegion() {
        var config = new ArchiveConfig("s3", "my-stroem-logs", "eu-west-1", "", null, null);

        try (var archive = (S3ObjectStore) ObjectStoreFactory.create(config)) {
            assertThat(archive.describe()).isEqualTo("s3://my-stroem-logs (S3 in eu-west-1)");
        }
    }

    @Test
    void customEndpointWithoutRegionFallsBackToUsEast1() {
        var config = new ArchiveConfig("s3", "b", null, "", "http://minio:9000", null);

        try (var archive = (S3ObjectStore) ObjectStoreFactory.create(config)) {
            assertThat(archive.describe()).isEqualTo("s3://b (S3 at http://minio:9000)");
        }
    }

    @Test
    void localTypeBuildsTheLocalDirectoryArchive() {
        var archive = ObjectStoreFactory.create(new ArchiveConfig("local", null, null, "", null, "/mnt/archive"));

        assertThat(archive).isInstanceOf(LocalDirectoryStore.class);
        assertThat(archive.describe()).isEqualTo("local:/mnt/archive");
    }

    @Test
    void legacyS3BlockAloneIsAnS3Archive() {
        var storage = new LogStorageConfig("/tmp/logs", null, new LegacyS3Config("legacy", "eu-west-1", null, "http://minio:9000"), null);

        assertThat(ObjectStoreFactory.fromStorage(storage)).get().isInstanceOfSatisfying(S3ObjectStore.class, archive -> {
            assertThat(archive.describe()).isEqualTo("s3://legacy (S3 at http://minio:9000)");
            archive.close();
        });
    }

    @Test
    void noArchiveConfiguredIsNoBackend() {
        assertThat(ObjectStoreFactory.fromStorage(new LogStorageConfig(null, null, null, null))).isEmpty();
    }

    @Test
    void partSizeBelowTheS3MinimumIsRefused() {
        assertThatThrownBy(() -> S3StoreOptions.defaults().withPartSize(1024 * 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 5242880");
    }
}
