package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.storage.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Artifacts on PostgreSQL, in a dedicated {@code artifact_storage.archive} on S3 (S3Proxy in-process). */
class ArtifactsPostgresIT extends ArtifactsContract {
    private S3ProxyServer s3;
    private String bucket;

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }

    @Override
    String storageYaml() {
        s3 = new S3ProxyServer().withFilesystemStore(dir.resolve("s3")).start();
        bucket = "artifacts-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(bucket);
        return """
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
                """.formatted(MAX_FILE, MAX_JOB, bucket, S3ProxyServer.REGION, s3.endpoint());
    }

    @Test
    void anS3OutageRefusesTheUploadWithNothingRecordedAndARetryAfterwardsWorks() {
        String jobId = newJob();
        s3.stop();
        assertError(upload(jobId, "say-hello", "report.txt", "text/plain", text("report"), true), 503, "unavailable");
        assertThat(api.get("/api/jobs/" + jobId + "/artifacts").json()).isEmpty();
        s3.start();
        assertThat(upload(jobId, "say-hello", "report.txt", "text/plain", text("report"), true).status()).isEqualTo(201);
        assertThat(api.get("/api/jobs/" + jobId + "/artifacts/report.txt").body()).isEqualTo("report");
    }

    @AfterEach
    void stopS3() {
        if (s3 != null) {
            s3.stop();
        }
    }

    @Override
    String keyPrefix() {
        return "v1/files/";
    }

    @Override
    byte[] object(String key) {
        var blob = s3.blobStore().getBlob(bucket, key);
        if (blob == null) {
            return null;
        }
        try (InputStream in = blob.getPayload().openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
