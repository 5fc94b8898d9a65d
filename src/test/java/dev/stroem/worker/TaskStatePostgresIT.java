package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.jobs.store.PostgresTestDatabase;
import dev.stroem.storage.S3ProxyServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Task state on PostgreSQL, snapshots in a dedicated {@code state_storage.archive} on S3
 * (S3Proxy in-process, over HTTP with SigV4), and what an S3 outage does to a step that saves state.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TaskStatePostgresIT extends TaskStateContract {
    private S3ProxyServer s3;
    private String bucket;

    @Override
    String databaseUrl(Path dir, List<AutoCloseable> cleanup) {
        var pg = PostgresTestDatabase.create();
        cleanup.add(pg);
        s3 = new S3ProxyServer().withFilesystemStore(dir.resolve("s3")).start();
        cleanup.add(() -> {
            if (s3.isRunning()) {
                s3.stop();
            }
        });
        bucket = "state-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(bucket);
        return pg.url();
    }

    @Override
    String stateStorageYaml(Path dir) {
        return """
                state_storage:
                  prefix: "snapshots/"
                  max_snapshots: %d
                  archive:
                    type: s3
                    bucket: "%s"
                    region: "%s"
                    prefix: "v1/"
                    endpoint: "%s"
                """.formatted(MAX_SNAPSHOTS, bucket, S3ProxyServer.REGION, s3.endpoint());
    }

    @Override
    long snapshotObjects(String scope) {
        String prefix = "v1/snapshots/default/" + scope + "/";
        return s3.blobStore().list(bucket, ListContainerOptions.Builder.prefix(prefix).recursive()).stream()
                .filter(m -> m.getName().endsWith(".tar.gz"))
                .count();
    }

    /** First, so no snapshot exists yet: the step starts (nothing to read) and meets the outage when it saves. */
    @Test
    @Order(1)
    void anS3OutageFailsTheStepThatSavesStateWithTheReasonAndARunAfterItSavesAgain() throws Exception {
        s3.stop();
        var failed = finished(execute("fresh", Map.of()));
        s3.start();
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        String error = failed.path("steps").get(0).path("error_message").asText();
        assertThat(error).contains("Cannot save the state of task 'fresh'", "after 5 attempts", "503",
                "state store is unavailable");
        assertThat(latest("fresh")).isNull();

        completed("fresh", Map.of());
        assertThat(latest("fresh").text("saved.txt")).isEqualTo("saved\n");
        assertThat(snapshotObjects("fresh")).isEqualTo(1);
    }
}
