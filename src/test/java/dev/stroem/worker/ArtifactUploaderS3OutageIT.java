package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stroem.logs.LogLine;
import dev.stroem.storage.S3ProxyServer;
import dev.stroem.web.HttpTestClient;
import dev.stroem.web.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uploader against a real server whose S3 (S3Proxy) goes down and comes back while a step's
 * files are being uploaded: the retries carry the step over the outage, and what an attempt
 * during the outage left behind does not show.
 */
class ArtifactUploaderS3OutageIT {
    @TempDir
    Path dir;

    private S3ProxyServer s3;
    private TestServer server;
    private HttpTestClient api;

    @BeforeEach
    void start() {
        s3 = new S3ProxyServer().withFilesystemStore(dir.resolve("s3")).start();
        String bucket = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(bucket);
        server = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db")).yaml("""
                artifact_storage:
                  archive:
                    type: s3
                    bucket: "%s"
                    region: "%s"
                    endpoint: "%s"
                """.formatted(bucket, S3ProxyServer.REGION, s3.endpoint())).start();
        api = server.api();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (s3 != null && s3.isRunning()) {
            s3.stop();
        }
    }

    @Test
    void anUploadRetriedAcrossAShortS3OutageSucceedsAndTheStepStaysSuccessful() throws Exception {
        String jobId = api.post("/api/workspaces/default/tasks/hello-world/execute", Map.of("input", Map.of()))
                .json().path("job_id").asText();
        Path folder = Files.createDirectories(dir.resolve("artifacts/reports"));
        Files.writeString(folder.resolve("q1.txt"), "quarter one\n");
        var client = new WorkerApiClient(server.url(), TestServer.WORKER_TOKEN, Duration.ofSeconds(30));
        // Slow, many retries: the window to bring S3 back is ~30 s, however loaded the machine.
        var uploader = new ArtifactUploader(client, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(1), 30);
        var step = new ClaimedStep(jobId, "default", "hello-world", "say-hello", "greet", "script", "local", null, null, null);
        List<String> stepLog = new CopyOnWriteArrayList<>();

        s3.stop();
        var finished = CompletableFuture.supplyAsync(() -> {
            try {
                return uploader.finish(step, dir.resolve("artifacts"), new StepOutcome(0, null, null),
                        (LogLine line) -> stepLog.add(line.line()));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> stepLog.stream().anyMatch(l -> l.contains("retrying")));
        assertThat(finished).isNotDone();
        s3.start();

        StepOutcome outcome = finished.get(60, TimeUnit.SECONDS);
        assertThat(outcome.error()).isNull();
        assertThat(stepLog.get(0)).startsWith("[worker] uploading artifact \"reports/q1.txt\" (12 bytes) failed; retrying: ")
                .contains("503");
        assertThat(stepLog).last().isEqualTo("[worker] uploaded 1 artifact file (12 bytes)");
        var list = api.get("/api/jobs/" + jobId + "/artifacts").json();
        assertThat(list.findValuesAsText("name")).containsExactly("reports/q1.txt");
        assertThat(list.get(0).path("content_type").asText()).isEqualTo("text/plain");
        assertThat(api.get("/api/jobs/" + jobId + "/artifacts/reports/q1.txt").body()).isEqualTo("quarter one\n");
    }
}
