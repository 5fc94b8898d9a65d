package dev.stroem.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.config.RetentionConfig;
import dev.stroem.storage.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention end to end on a real server with its archive on S3 (S3Proxy): old jobs leave every
 * place their log was (local JSONL, legacy {@code .log}, archive object) and the database; running
 * jobs stay whatever their age; an archive that cannot delete keeps the job for the next round.
 */
class RetentionIT {

    static final String WORKFLOW = """
            tasks:
              plain:
                flow:
                  hello:
                    type: script
                    script: echo "plain output"
              slow:
                flow:
                  wait:
                    type: script
                    script: sleep 1000
            """;

    @TempDir
    Path dir;

    private ServerFixture server;
    private S3ProxyServer s3;
    private String bucket;

    @BeforeEach
    void setUp() {
        s3 = new S3ProxyServer().withFilesystemStore(dir.resolve("s3")).start();
        bucket = "logs-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(bucket);
        server = new ServerFixture(dir).workflow("jobs.yaml", WORKFLOW)
                .withArchive(s3.archiveConfig(bucket, "logs/"))
                .withRetention(new RetentionConfig(1L, 1L, null))
                .start();
    }

    @AfterEach
    void tearDown() {
        server.close();
        s3.stop();
    }

    private String register(String name) {
        return server.worker("/worker/register", Map.of("name", name)).path("worker_id").asText();
    }

    /** Runs one step of a job as a worker would, over HTTP; {@code complete} false leaves it running. */
    private String runJob(String task, String step, String workerId, boolean complete) {
        String jobId = server.execute(task, Map.of());
        assertThat(server.worker("/worker/jobs/claim", Map.of("worker_id", workerId)).path("job_id").asText()).isEqualTo(jobId);
        server.worker("/worker/jobs/" + jobId + "/steps/" + step + "/start", Map.of("worker_id", workerId));
        server.worker("/worker/jobs/" + jobId + "/logs", Map.of("step_name", step, "batch_id", UUID.randomUUID().toString(),
                "lines", List.of(Map.of("stream", "stdout", "line", "output of " + task))));
        if (complete) {
            server.worker("/worker/jobs/" + jobId + "/steps/" + step + "/complete", Map.of("exit_code", 0));
        }
        return jobId;
    }

    private String finishedAndArchived(String workerId) {
        String jobId = runJob("plain", "hello", workerId, true);
        String key = server.awaitArchivedUpToDate(jobId).path("archive").path("key").asText();
        assertThat(s3.blobStore().blobExists(bucket, key)).isTrue();
        return key;
    }

    @Test
    void retentionRemovesLocalJsonlLegacyLogArchiveObjectAndDatabaseRows_whileARunningJobOfTheSameAgeStays() throws Exception {
        String workerId = register("w1");
        String gone = register("w-gone");
        String key = finishedAndArchived(workerId);
        String oldJob = key.substring(key.lastIndexOf('_') + 1, key.length() - ".jsonl.gz".length());
        Path jsonl = server.logDir().resolve(oldJob + ".jsonl");
        Path legacy = Files.writeString(server.logDir().resolve(oldJob + ".log"), "a legacy plain-text line\n");
        String running = runJob("slow", "wait", workerId, false);
        Path runningLog = server.logDir().resolve(running + ".jsonl");
        // An artifact of the old job, kept in the log archive under artifacts/: it goes with the job.
        assertThat(server.send("POST", "/worker/jobs/" + oldJob + "/steps/hello/artifacts/report.txt", "report",
                ServerFixture.WORKER_TOKEN).statusCode()).isEqualTo(201);
        String artifactKey = "logs/artifacts/" + server.job(oldJob).path("workspace").asText() + "/" + oldJob
                + "/hello/report.txt";
        assertThat(s3.blobStore().blobExists(bucket, artifactKey)).isTrue();

        // w-gone goes silent and is marked inactive; w1 keeps beating.
        server.clock.advance(Duration.ofSeconds(121));
        server.worker("/worker/heartbeat", Map.of("worker_id", workerId));
        assertThat(server.app().recoverySweeper().sweepOnce().staleWorkers()).isEqualTo(1);
        assertThat(server.app().retentionSweeper().sweepOnce()).as("nothing is old enough yet")
                .isEqualTo(new RetentionSweeper.Sweep(0, 0, 0));

        server.clock.advance(Duration.ofDays(2));
        server.worker("/worker/heartbeat", Map.of("worker_id", workerId));
        var sweep = server.app().retentionSweeper().sweepOnce();

        assertThat(sweep).isEqualTo(new RetentionSweeper.Sweep(1, 0, 1));
        assertThat(server.send("GET", "/api/jobs/" + oldJob, null, null).statusCode()).isEqualTo(404);
        assertThat(server.send("GET", "/api/jobs/" + oldJob + "/logs", null, null).statusCode()).isEqualTo(404);
        assertThat(jsonl).doesNotExist();
        assertThat(legacy).doesNotExist();
        assertThat(s3.blobStore().blobExists(bucket, key)).isFalse();
        assertThat(s3.blobStore().blobExists(bucket, artifactKey)).isFalse();
        assertThat(server.get("/api/jobs?limit=10").path("total").asLong()).isEqualTo(1);
        var stays = server.job(running);
        assertThat(stays.path("status").asText()).isEqualTo("running");
        assertThat(runningLog).exists();
        assertThat(server.logLines(running, "wait")).extracting(l -> l.path("line").asText()).containsExactly("output of slow");
        // The inactive worker is gone (it must register again); the active one is kept.
        assertThat(server.send("POST", "/worker/heartbeat", Map.of("worker_id", gone), ServerFixture.WORKER_TOKEN)
                .statusCode()).isEqualTo(404);
        server.worker("/worker/heartbeat", Map.of("worker_id", workerId));
    }

    @Test
    void retentionKeepsJob_whenArchiveDeleteFails_S3ProxyStopped() {
        String workerId = register("w1");
        String key = finishedAndArchived(workerId);
        String jobId = key.substring(key.lastIndexOf('_') + 1, key.length() - ".jsonl.gz".length());
        s3.stop();
        server.clock.advance(Duration.ofDays(2));

        var duringOutage = server.app().retentionSweeper().sweepOnce();

        assertThat(duringOutage).isEqualTo(new RetentionSweeper.Sweep(0, 1, 0));
        assertThat(server.job(jobId).path("archive").path("state").asText()).isEqualTo("archived");
        assertThat(server.logDir().resolve(jobId + ".jsonl")).exists();
        assertThat(server.logLines(jobId, "hello")).extracting(l -> l.path("line").asText()).containsExactly("output of plain");

        s3.start();
        assertThat(s3.blobStore().blobExists(bucket, key)).as("the object was not orphaned").isTrue();
        var nextRound = server.app().retentionSweeper().sweepOnce();

        assertThat(nextRound).isEqualTo(new RetentionSweeper.Sweep(1, 0, 0));
        assertThat(s3.blobStore().blobExists(bucket, key)).isFalse();
        assertThat(server.send("GET", "/api/jobs/" + jobId, null, null).statusCode()).isEqualTo(404);
        assertThat(server.logDir().resolve(jobId + ".jsonl")).doesNotExist();
    }
}
