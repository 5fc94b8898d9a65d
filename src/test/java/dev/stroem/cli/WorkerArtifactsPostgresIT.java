package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stroem.jobs.store.PostgresTestDatabase;
import dev.stroem.storage.S3ProxyServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link WorkerArtifactsContract} on PostgreSQL, the artifacts in an {@code artifact_storage.archive}
 * of their own on S3 (S3Proxy in this JVM, filesystem store, so it can be stopped and started
 * again with its objects: an outage).
 */
class WorkerArtifactsPostgresIT extends WorkerArtifactsContract {
    private PostgresTestDatabase database;
    private S3ProxyServer s3;
    private final String bucket = "artifacts-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    String databaseUrl() {
        database = PostgresTestDatabase.create(); // called once, before the server starts
        return database.url();
    }

    @Override
    String storageYaml() {
        s3 = new S3ProxyServer().withFilesystemStore(dir.resolve("s3")).start();
        s3.createBucket(bucket);
        return """
                log_storage:
                  local_dir: "%s"
                artifact_storage:
                  prefix: "files/"
                  max_file_bytes: %d
                  max_job_bytes: %d
                  archive:
                    type: s3
                    bucket: "%s"
                    region: "%s"
                    prefix: "v1/"
                    endpoint: "%s"
                """.formatted(dir.resolve("logs"), MAX_FILE, MAX_JOB, bucket, S3ProxyServer.REGION, s3.endpoint());
    }

    @Override
    Map<String, String> serverEnvironment() {
        return Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY,
                "AWS_REGION", S3ProxyServer.REGION, "AWS_EC2_METADATA_DISABLED", "true");
    }

    @Override
    long storedSize(String jobId, String step, String name) {
        var blob = s3.blobStore().blobMetadata(bucket, "v1/files/default/" + jobId + "/" + step + "/" + name);
        return blob == null ? -1 : blob.getSize();
    }

    @Test
    void anS3OutageFailsTheStepWithItsReasonAndARunAfterTheOutageUploads() throws Exception {
        s3.stop();
        JsonNode during;
        try {
            String job = execute("small");
            during = awaitEnd(job);
            assertThat(get("/api/jobs/" + job + "/artifacts")).isEmpty();
            assertThat(lines(job)).anySatisfy(line -> assertThat(line)
                    .startsWith("one-file: [worker] uploading artifact \"small.txt\" (15 bytes) failed; retrying"));
        } finally {
            s3.start();
        }
        assertThat(during.path("status").asText()).isEqualTo("failed");
        assertThat(step(during, "one-file").path("error_message").asText())
                .startsWith("Cannot upload artifact \"small.txt\" (15 bytes) after " + 6 + " attempts")
                .contains("503").contains("unavailable");

        String after = execute("small");
        assertThat(awaitEnd(after).path("status").asText()).isEqualTo("completed");
        assertThat(download(after, "small.txt").body()).isEqualTo("one small file\n");
    }

    @Override
    void afterProcessesStopped() {
        if (s3 != null) {
            s3.stop();
        }
        if (database != null) {
            database.close();
        }
    }
}
