package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.config.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerIT {

    private static final WorkerOptions OPTIONS = new WorkerOptions(Duration.ofSeconds(30), Duration.ofSeconds(5),
            Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(50),
            Duration.ofMillis(500), new ShipperSettings(100, 256 * 1024, Duration.ofSeconds(1), 4L * 1024 * 1024,
                    Duration.ofMillis(50), Duration.ofMillis(500)));

    @TempDir
    Path dir;

    private WorkerApiTestServer server;
    private final CapturedLogs logs = new CapturedLogs();
    private final List<Worker> workers = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = new WorkerApiTestServer().start();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Worker worker : workers) {
            worker.shutdown();
        }
        server.stop();
        logs.close();
    }

    private static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(30));
    }

    private Worker worker(int maxConcurrent, WorkerOptions options) throws IOException {
        var config = new WorkerConfig(server.url(), WorkerApiTestServer.TOKEN, "test-worker", maxConcurrent, 1L, 1L,
                List.of("script"), List.of(), dir.resolve("work").toString(), dir.resolve("spool").toString(), 30L,
                WorkerConfig.DEFAULT_CLAIM_WAIT_SECS);
        var api = new WorkerApiClient(server.url(), WorkerApiTestServer.TOKEN, options.requestTimeout());
        var worker = new Worker(config, api, options);
        workers.add(worker);
        worker.start();
        return worker;
    }

    private List<Path> spoolFiles() throws IOException {
        Path spool = dir.resolve("spool");
        if (!Files.isDirectory(spool)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(spool)) {
            return files.filter(f -> f.toString().endsWith(".json")).collect(Collectors.toList());
        }
    }

    /** Every log batch of the step was stored before its completion. */
    private void assertCompletedAfterItsLastBatch(String jobId, String step) {
        List<String> events = server.events();
        int complete = events.indexOf("complete " + jobId + "/" + step);
        int lastBatch = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith("logs " + jobId + "/" + step + " ")) {
                lastBatch = i;
            }
        }
        assertThat(lastBatch).as("a stored log batch").isGreaterThanOrEqualTo(0);
        assertThat(complete).as("completion after the last batch").isGreaterThan(lastBatch);
    }

    @Test
    void runsAClaimedStepShipsEveryLineOnceAndCompletesAfterTheLastBatch() throws Exception {
        String script = "echo \"hello $GREETING from $STROEM_STEP_NAME\"; for i in $(seq 1 700); do echo \"line $i\"; done;"
                + " echo warning >&2; echo 'OUTPUT: {\"answer\":42}'";
        String jobId = server.offerStep("say-hello", script, null);

        worker(2, OPTIONS);

        eventually().until(() -> server.completion(jobId) != null);
        List<String> expected = new ArrayList<>();
        expected.add("hello Hello from say-hello");
        IntStream.rangeClosed(1, 700).mapToObj(i -> "line " + i).forEach(expected::add);
        expected.add("OUTPUT: {\"answer\":42}");
        assertThat(server.lines(jobId, "say-hello", "stdout")).containsExactlyElementsOf(expected);
        assertThat(server.lines(jobId, "say-hello", "stderr")).containsExactly("warning");
        assertCompletedAfterItsLastBatch(jobId, "say-hello");
        var body = server.completion(jobId).body();
        assertThat(body.path("exit_code").asInt()).isZero();
        assertThat(body.path("error").isNull()).isTrue();
        assertThat(body.path("output").path("answer").asInt()).isEqualTo(42);
        assertThat(server.startedSteps()).containsExactly(jobId + "/say-hello");
        assertThat(logs.said("INFO", "Registered with")).isTrue();
        assertThat(logs.said("INFO", "Claimed step 'say-hello' of job " + jobId)).isTrue();
        assertThat(logs.said("INFO", "Step 'say-hello' of job " + jobId + " finished: exit code 0")).isTrue();
    }

    @Test
    void withAServerThatTakesThemTheLastLinesGoWithTheCompletionInOrderAndOnce() throws Exception {
        server.takeLogsWithCompletions();
        String script = "for i in $(seq 1 250); do echo \"line $i\"; done; echo 'OUTPUT: {\"answer\":42}'";
        String longJob = server.offerStep("long", script, null);
        String shortJob = server.offerStep("short", "echo only line", null);

        worker(1, OPTIONS);

        eventually().until(() -> server.completion(longJob) != null && server.completion(shortJob) != null);
        List<String> expected = new ArrayList<>();
        IntStream.rangeClosed(1, 250).mapToObj(i -> "line " + i).forEach(expected::add);
        expected.add("OUTPUT: {\"answer\":42}");
        assertThat(server.lines(longJob, "long")).containsExactlyElementsOf(expected);
        assertCompletedAfterItsLastBatch(longJob, "long");
        assertThat(server.completion(longJob).body().path("output").path("answer").asInt()).isEqualTo(42);
        // A step whose lines fit in one batch needs no request of its own for them.
        assertThat(server.lines(shortJob, "short")).containsExactly("only line");
        assertThat(server.attempts()).noneMatch(a -> a.jobId().equals(shortJob));
        assertThat(server.completion(shortJob).body().path("logs").path("lines")).hasSize(1);
    }

    @Test
    void shutdownWhileTheCompletionCannotBeSentSpoolsItsLastLinesForTheNextWorker() throws Exception {
        server.takeLogsWithCompletions();
        server.failCompletionsWith(503);
        String jobId = server.offerStep("cut-off", "echo the last words", null);
        Worker first = worker(1, OPTIONS.withShutdownShipTimeout(Duration.ofSeconds(1)));
        eventually().until(() -> server.completionAttempts().stream().anyMatch(c -> c.jobId().equals(jobId)));

        first.shutdown();

        assertThat(server.lines(jobId, "cut-off")).isEmpty();
        assertThat(spoolFiles()).hasSize(1);
        server.healCompletions();
        worker(1, OPTIONS);
        eventually().until(() -> server.lines(jobId, "cut-off").size() == 1);
        eventually().until(() -> spoolFiles().isEmpty());
        assertThat(server.lines(jobId, "cut-off")).containsExactly("the last words");
    }

    private List<String> offerEchoSteps(int count) {
        var jobIds = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            jobIds.add(server.offerStep("step-" + i, "echo " + i, null));
        }
        return jobIds;
    }

    @Test
    void aWorkerWithFreeSlotsClaimsAsManyStepsAsItHasSlotsInOneClaim() throws Exception {
        server.answerBatchClaims();
        var jobIds = offerEchoSteps(3);

        worker(3, OPTIONS);

        for (String jobId : jobIds) {
            eventually().until(() -> server.completion(jobId) != null);
            assertThat(server.completion(jobId).body().path("exit_code").asInt()).isZero();
        }
        // Its first claim asked for its three free slots and took the three steps at once.
        assertThat(server.claimSizes().get(0)).isEqualTo(3);
        assertThat(server.startedSteps()).hasSize(3);
        assertThat(server.claimSizes().stream().filter(n -> n > 0)).as("every claim says how many steps it takes")
                .hasSameSizeAs(server.claimSizes());
    }

    @Test
    void aServerThatAnswersOneStepPerClaimStillFillsEverySlot() throws Exception {
        // The original server ignores max_steps and answers one step with its own shape.
        var jobIds = offerEchoSteps(3);

        worker(3, OPTIONS);

        for (String jobId : jobIds) {
            eventually().until(() -> server.completion(jobId) != null);
        }
        assertThat(server.startedSteps()).hasSize(3);
    }

    @Test
    void failuresAndTimeoutsAreReportedWithTheirSentences() throws Exception {
        String failing = server.offerStep("fail", "echo trying; exit 3", null);
        String slow = server.offerStep("slow", "echo started; sleep 1000", 1L);

        worker(2, OPTIONS);

        eventually().until(() -> server.completion(failing) != null && server.completion(slow) != null);
        assertThat(server.completion(failing).body().path("exit_code").asInt()).isEqualTo(3);
        assertThat(server.completion(failing).body().path("error").asText()).isEqualTo("Exit code: 3");
        assertThat(server.completion(slow).body().path("error").asText()).isEqualTo("Step timed out after 1s");
        assertThat(server.lines(failing, "fail")).containsExactly("trying");
        assertThat(server.lines(slow, "slow")).containsExactly("started");
    }

    @Test
    void aCancelledJobsRunningStepIsKilledAndReportedCancelled() throws Exception {
        String jobId = server.offerStep("wait", "echo started; sleep 1000", null);
        worker(1, OPTIONS);
        eventually().until(() -> server.lines(jobId, "wait").contains("started"));

        server.cancel(jobId);

        eventually().until(() -> server.completion(jobId) != null);
        assertThat(server.completion(jobId).body().path("error").asText()).isEqualTo("Cancelled");
        assertCompletedAfterItsLastBatch(jobId, "wait");
    }

    @Test
    void registersAgainWhenTheServerForgetsTheWorker() throws Exception {
        Worker worker = worker(1, OPTIONS);
        // The server records the registration before the worker has read its answer: wait for both.
        eventually().until(() -> server.registrations().size() == 1 && worker.workerId().isPresent());
        String firstId = worker.workerId().orElseThrow();

        server.forgetWorkers();

        eventually().until(() -> server.registrations().size() >= 2);
        eventually().until(() -> !worker.workerId().orElseThrow().equals(firstId));
        String jobId = server.offerStep("after", "echo still working", null);
        eventually().until(() -> server.completion(jobId) != null);
        assertThat(server.lines(jobId, "after")).containsExactly("still working");
    }

    @Test
    void serverDownAtStartAndMidStep_theWorkerWaitsAndLosesNothing() throws Exception {
        server.stop();
        worker(1, OPTIONS);
        eventually().until(() -> logs.said("WARN", "Cannot register with"));
        server.start();
        Path go = dir.resolve("go");
        String jobId = server.offerStep("outage", "echo before; while [ ! -f \"$GO\" ]; do sleep 0.1; done; echo after",
                null, Map.of("GO", go.toString()));
        eventually().until(() -> server.lines(jobId, "outage").contains("before"));

        server.stop();
        Files.createFile(go);
        eventually().until(() -> logs.said("WARN", "Cannot ship logs of step 'outage'"));
        server.start();

        eventually().until(() -> server.completion(jobId) != null);
        assertThat(server.lines(jobId, "outage")).containsExactly("before", "after");
        assertThat(server.completion(jobId).body().path("exit_code").asInt()).isZero();
        assertCompletedAfterItsLastBatch(jobId, "outage");
    }

    @Test
    void shutdownStopsClaimingKillsStepsAfterTheGraceAndShipsWhatTheyPrinted() throws Exception {
        String script = "trap 'echo \"cleaning up\"; exit 1' TERM; echo ready; sleep 1000 & wait";
        String running = server.offerStep("busy", script, null);
        Worker worker = worker(1, OPTIONS.withShutdownGrace(Duration.ofSeconds(1)));
        eventually().until(() -> server.lines(running, "busy").contains("ready"));
        String waiting = server.offerStep("never", "echo should not run", null);

        worker.shutdown();

        assertThat(server.lines(running, "busy")).containsExactly("ready", "cleaning up");
        assertThat(server.completion(running).body().path("error").asText()).isEqualTo("Worker shut down");
        assertCompletedAfterItsLastBatch(running, "busy");
        assertThat(server.startedSteps()).doesNotContain(waiting + "/never");
        assertThat(spoolFiles()).isEmpty();
    }

    @Test
    void shutdownWithTheServerDownSpoolsTheLinesAndTheNextWorkerShipsThem() throws Exception {
        Path go = dir.resolve("go");
        String jobId = server.offerStep("cut-off", "echo first; while [ ! -f \"$GO\" ]; do sleep 0.1; done;"
                + " for i in $(seq 1 250); do echo \"late $i\"; done", null, Map.of("GO", go.toString()));
        Worker first = worker(1, OPTIONS.withShutdownShipTimeout(Duration.ofSeconds(1)));
        eventually().until(() -> server.lines(jobId, "cut-off").contains("first"));
        server.stop();
        Files.createFile(go);

        first.shutdown();

        assertThat(spoolFiles()).isNotEmpty();
        assertThat(logs.said("WARN", "they wait in the spool")).isTrue();
        server.start();
        worker(1, OPTIONS);

        List<String> expected = new ArrayList<>(List.of("first"));
        IntStream.rangeClosed(1, 250).mapToObj(i -> "late " + i).forEach(expected::add);
        eventually().until(() -> server.lines(jobId, "cut-off").size() == expected.size());
        assertThat(server.lines(jobId, "cut-off")).containsExactlyElementsOf(expected);
        eventually().until(() -> spoolFiles().isEmpty());
    }
}
