package dev.stroem.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stroem.config.RecoveryConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery sweeper end to end: a real server whose worker API is driven over HTTP, so that a
 * test can be the worker that goes silent, never finishes or never starts. Time is moved forward
 * with the server's clock; sweeps run on demand, except where the schedule itself is the point.
 */
class RecoveryIT {

    static final String WORKFLOW = """
            tasks:
              pipeline:
                flow:
                  build:
                    type: script
                    script: echo build
                  deploy:
                    type: script
                    script: echo deploy
                    depends_on: [build]
              slow:
                flow:
                  wait:
                    type: script
                    script: sleep 1000
                    timeout: 30s
              limited:
                timeout: 1h
                flow:
                  long:
                    type: script
                    script: sleep 1000
              gpu:
                flow:
                  train:
                    type: script
                    script: echo train
                    tags: [gpu]
            """;

    @TempDir
    Path dir;

    private ServerFixture server;

    @BeforeEach
    void setUp() {
        server = new ServerFixture(dir).workflow("jobs.yaml", WORKFLOW);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private String register(String name, List<String> tags) {
        return server.worker("/worker/register", Map.of("name", name, "capabilities", List.of("script"), "tags", tags))
                .path("worker_id").asText();
    }

    private JsonNode claim(String workerId) {
        return server.worker("/worker/jobs/claim", Map.of("worker_id", workerId));
    }

    private void start(String jobId, String step, String workerId) {
        server.worker("/worker/jobs/" + jobId + "/steps/" + step + "/start", Map.of("worker_id", workerId));
    }

    private static JsonNode step(JsonNode job, String name) {
        for (var s : job.path("steps")) {
            if (name.equals(s.path("step_name").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + job);
    }

    @Test
    void staleWorker_stopsHeartbeating_itsStepFailsWithARecoveryEvent_andTheDependantsCascade() throws Exception {
        server.withArchive(server.localArchive()).start();
        String workerId = register("w1", List.of());
        String jobId = server.execute("pipeline", Map.of());
        assertThat(claim(workerId).path("step_name").asText()).isEqualTo("build");
        start(jobId, "build", workerId);
        server.worker("/worker/jobs/" + jobId + "/logs", Map.of("step_name", "build", "batch_id", UUID.randomUUID().toString(),
                "lines", List.of(Map.of("stream", "stdout", "line", "building…"))));

        // The worker dies: no heartbeat, no completion.
        server.clock.advance(Duration.ofSeconds(121));
        var sweep = server.app().recoverySweeper().sweepOnce();

        assertThat(sweep.staleWorkers()).isEqualTo(1);
        assertThat(sweep.workerLostSteps()).isEqualTo(1);
        String message = "Worker 'w1' (id " + workerId + ") stopped sending heartbeats; step 'build' failed";
        var job = server.job(jobId);
        assertThat(job.path("status").asText()).isEqualTo("failed");
        assertThat(job.path("error_message").asText()).isEqualTo("Step 'build' failed: " + message);
        assertThat(step(job, "build").path("status").asText()).isEqualTo("failed");
        assertThat(step(job, "build").path("error_message").asText()).isEqualTo(message);
        assertThat(step(job, "deploy").path("status").asText()).isEqualTo("skipped");
        assertThat(server.serverEvents(jobId)).containsExactly("[recovery] " + message);
        assertThat(server.logLines(jobId, "build")).extracting(l -> l.path("line").asText()).containsExactly("building…");

        // The recovery event is in the archive too.
        var archived = server.awaitArchivedUpToDate(jobId);
        byte[] gz = Files.readAllBytes(server.localArchiveDir().resolve(archived.path("archive").path("key").asText()));
        try (var in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("[recovery] " + message);
        }

        // A second sweep finds nothing new; the worker's late completion changes nothing.
        var again = server.app().recoverySweeper().sweepOnce();
        assertThat(again).isEqualTo(new RecoverySweeper.Sweep(0, 0, 0, 0, 0, 0));
        server.worker("/worker/jobs/" + jobId + "/steps/build/complete", Map.of("exit_code", 0));
        assertThat(step(server.job(jobId), "build").path("status").asText()).isEqualTo("failed");
        assertThat(server.serverEvents(jobId)).hasSize(1);
        // A heartbeat brings the worker back: it can claim again.
        server.worker("/worker/heartbeat", Map.of("worker_id", workerId));
        String next = server.execute("pipeline", Map.of());
        assertThat(claim(workerId).path("job_id").asText()).isEqualTo(next);
    }

    @Test
    void stepTimeout_theScheduledSweepFailsAStepPastItsTimeout() {
        server.withRecovery(new RecoveryConfig(null, 1L, null)).start();
        String workerId = register("w1", List.of());
        String jobId = server.execute("slow", Map.of());
        assertThat(claim(workerId).path("timeout_secs").asLong()).isEqualTo(30);
        start(jobId, "wait", workerId);

        server.clock.advance(Duration.ofSeconds(31)); // the worker is still within its heartbeat timeout

        var job = server.awaitStatus(jobId, "failed");
        assertThat(step(job, "wait").path("error_message").asText()).isEqualTo("Step 'wait' timed out after 30s");
        assertThat(server.serverEvents(jobId)).containsExactly("[recovery] Step 'wait' timed out after 30s");
    }

    @Test
    void jobTimeout_aJobPastItsTimeoutIsCancelled_andItsWorkerLearnsIt() {
        server.start();
        String workerId = register("w1", List.of());
        String jobId = server.execute("limited", Map.of());
        claim(workerId);
        start(jobId, "long", workerId);
        assertThat(server.app().recoverySweeper().sweepOnce().timedOutJobs()).isZero();

        server.clock.advance(Duration.ofHours(1).plusSeconds(1));
        server.worker("/worker/heartbeat", Map.of("worker_id", workerId)); // the worker is alive, only slow
        var sweep = server.app().recoverySweeper().sweepOnce();

        assertThat(sweep.timedOutJobs()).isEqualTo(1);
        assertThat(sweep.workerLostSteps()).isZero();
        var job = server.job(jobId);
        assertThat(job.path("status").asText()).isEqualTo("cancelled");
        assertThat(job.path("cancelled_by").asText()).isEqualTo("recovery");
        assertThat(step(job, "long").path("status").asText()).isEqualTo("cancelled");
        assertThat(server.serverEvents(jobId)).containsExactly("[recovery] Job timed out after 1h; cancelled");
        var cancelled = server.send("GET", "/worker/jobs/" + jobId + "/cancelled", null, ServerFixture.WORKER_TOKEN);
        assertThat(cancelled.body()).isEqualTo("{\"cancelled\":true}");
    }

    @Test
    void unmatchedReadyStep_failsAfterTheGrace_whenNoActiveWorkerHasItsTags() {
        server.start();
        register("cpu-only", List.of());
        String gpuJob = server.execute("gpu", Map.of());
        String runnable = server.execute("pipeline", Map.of());
        assertThat(server.app().recoverySweeper().sweepOnce().unmatchedSteps()).as("within the grace").isZero();

        server.clock.advance(Duration.ofSeconds(31));
        var sweep = server.app().recoverySweeper().sweepOnce();

        assertThat(sweep.unmatchedSteps()).isEqualTo(1);
        String message = "No active worker can run step 'train' (needs capability 'script', tags [gpu]) after 30s";
        var job = server.job(gpuJob);
        assertThat(job.path("status").asText()).isEqualTo("failed");
        assertThat(step(job, "train").path("error_message").asText()).isEqualTo(message);
        assertThat(server.serverEvents(gpuJob)).containsExactly("[recovery] " + message);
        // A step an active worker can run keeps waiting for it, however long.
        assertThat(step(server.job(runnable), "build").path("status").asText()).isEqualTo("ready");
        assertThat(server.serverEvents(runnable)).isEmpty();
    }

    @Test
    void anExclusiveWorkerTakesOnlyStepsThatAskForAllItsTags_andAnOtherwiseTaggedWorkerTakesUntaggedOnesToo() {
        server.start();
        String exclusive = server.worker("/worker/register", Map.of("name", "gpu-only", "capabilities", List.of("script"),
                "tags", List.of("gpu"), "exclusive", true)).path("worker_id").asText();
        String untagged = server.execute("pipeline", Map.of());

        assertThat(server.worker("/worker/jobs/claim", Map.of("worker_id", exclusive)).path("job_id").isNull())
                .as("an exclusive gpu worker leaves an untagged step alone").isTrue();
        String gpuJob = server.execute("gpu", Map.of());
        assertThat(server.worker("/worker/jobs/claim", Map.of("worker_id", exclusive)).path("job_id").asText())
                .isEqualTo(gpuJob);

        // The same tags without exclusive (sent with the claim, as the original worker may): untagged work too.
        var open = server.worker("/worker/jobs/claim", Map.of("worker_id", exclusive, "exclusive", false));
        assertThat(open.path("job_id").asText()).isEqualTo(untagged);
    }

    @Test
    void claimedButNeverStarted_byALiveWorker_isPutBackToReady() {
        server.start();
        String workerId = register("w1", List.of());
        String jobId = server.execute("pipeline", Map.of());
        claim(workerId); // the claim's answer is lost: the worker never starts the step

        server.clock.advance(Duration.ofSeconds(121));
        server.worker("/worker/heartbeat", Map.of("worker_id", workerId));
        var sweep = server.app().recoverySweeper().sweepOnce();

        assertThat(sweep.requeuedSteps()).isEqualTo(1);
        var build = step(server.job(jobId), "build");
        assertThat(build.path("status").asText()).isEqualTo("ready");
        assertThat(build.path("worker_id").isNull()).isTrue();
        assertThat(server.serverEvents(jobId)).containsExactly("[recovery] Worker 'w1' (id " + workerId
                + ") claimed step 'build' but did not start it within 2m; the step is ready again");
        // The late start of the lost claim is refused, so the step runs only once.
        var lateStart = server.send("POST", "/worker/jobs/" + jobId + "/steps/build/start",
                Map.of("worker_id", workerId), ServerFixture.WORKER_TOKEN);
        assertThat(lateStart.statusCode()).isEqualTo(409);
        assertThat(claim(workerId).path("step_name").asText()).isEqualTo("build");
    }
}
