package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogShipperIT {

    private static final ShipperSettings SETTINGS = new ShipperSettings(
            50, 256 * 1024, Duration.ofSeconds(1), 4L * 1024 * 1024, Duration.ofMillis(50), Duration.ofMillis(500));

    @TempDir
    Path spoolDir;

    private WorkerApiTestServer server;
    private WorkerApiClient api;
    private final CapturedLogs logs = new CapturedLogs();
    private LogShipper shipper;

    @BeforeEach
    void startServer() {
        server = new WorkerApiTestServer().start();
        api = new WorkerApiClient(server.url(), WorkerApiTestServer.TOKEN, Duration.ofSeconds(5));
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (shipper != null) {
            shipper.shutdown(Duration.ZERO);
        }
        server.stop();
        logs.close();
    }

    private LogShipper shipper(ShipperSettings settings) throws IOException {
        shipper = new LogShipper(api, new LogSpool(spoolDir), settings);
        shipper.start();
        return shipper;
    }

    private static List<String> numbered(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> prefix + i).collect(Collectors.toList());
    }

    private static void append(StepLog step, List<String> texts) {
        texts.forEach(t -> step.append(new LogLine(Instant.now(), LogStream.STDOUT, step.stepName(), t)));
    }

    private List<Path> spoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(spoolDir)) {
            return files.filter(f -> f.toString().endsWith(".json")).collect(Collectors.toList());
        }
    }

    private ShipResult closeAndWait(StepLog step) throws Exception {
        return step.close().get(60, TimeUnit.SECONDS);
    }

    @Test
    void linesArriveInOrderExactlyOnceInSeveralBatches() throws Exception {
        shipper(SETTINGS);
        StepLog build = shipper.openStep("job-1", "build");
        StepLog test = shipper.openStep("job-1", "test");
        List<String> buildLines = numbered("build ", 1234);
        List<String> testLines = numbered("test ", 321);

        append(build, buildLines);
        append(test, testLines);

        assertThat(closeAndWait(build)).isEqualTo(ShipResult.DELIVERED);
        assertThat(closeAndWait(test)).isEqualTo(ShipResult.DELIVERED);
        assertThat(server.lines("job-1", "build")).containsExactlyElementsOf(buildLines);
        assertThat(server.lines("job-1", "test")).containsExactlyElementsOf(testLines);
        assertThat(server.attempts()).hasSizeGreaterThanOrEqualTo(1234 / 50);
        assertThat(server.attempts()).allSatisfy(a -> assertThat(a.lines()).isLessThanOrEqualTo(50));
    }

    @Test
    void defect7_linesAppendedAfterTheStepLogClosed_areCountedAndDropped_notKeptInMemory() throws Exception {
        shipper(SETTINGS);
        StepLog step = shipper.openStep("job-1", "s");
        append(step, List.of("kept"));

        var done = step.close();
        // A process that escaped the step's group keeps printing after the step ended.
        append(step, numbered("after ", 1000));

        assertThat(done.get(60, TimeUnit.SECONDS)).isEqualTo(ShipResult.DELIVERED);
        assertThat(server.lines("job-1", "s")).containsExactly("kept");
        assertThat(step.droppedAfterClose()).isEqualTo(1000);
    }

    @Test
    void linesShipLiveBeforeTheStepEnds() throws Exception {
        shipper(SETTINGS);
        StepLog step = shipper.openStep("job-1", "long-running");

        append(step, List.of("first", "second"));

        await().until(() -> server.lines("job-1", "long-running").equals(List.of("first", "second")));
        append(step, List.of("third"));
        assertThat(closeAndWait(step)).isEqualTo(ShipResult.DELIVERED);
        assertThat(server.lines("job-1", "long-running")).containsExactly("first", "second", "third");
    }

    @Test
    void timestampsAreUtcMillisecondsAndStreamsKept() throws Exception {
        shipper(SETTINGS);
        StepLog step = shipper.openStep("job-1", "s");
        step.append(new LogLine(Instant.parse("2025-02-12T10:56:45Z"), LogStream.STDERR, "s", "oops"));

        closeAndWait(step);

        var line = server.storedLineObjects("job-1", "s").get(0);
        assertThat(line.path("ts").asText()).isEqualTo("2025-02-12T10:56:45.000Z");
        assertThat(line.path("stream").asText()).isEqualTo("stderr");
    }

    @Test
    void serverAnswering503ForAWhile_linesArriveLaterExactlyOnceWithTheSameBatchIds() throws Exception {
        shipper(SETTINGS);
        server.failLogsWith(503);
        StepLog step = shipper.openStep("job-1", "s");
        List<String> texts = numbered("line ", 120);

        append(step, texts);
        await().until(() -> server.attempts().stream().filter(a -> a.status() == 503).count() >= 3);
        server.heal();

        assertThat(closeAndWait(step)).isEqualTo(ShipResult.DELIVERED);
        assertThat(server.lines("job-1", "s")).containsExactlyElementsOf(texts);
        Set<String> refused = server.attempts().stream().filter(a -> a.status() == 503)
                .map(WorkerApiTestServer.BatchAttempt::batchId).collect(Collectors.toSet());
        Set<String> stored = server.attempts().stream().filter(a -> a.status() == 200)
                .map(WorkerApiTestServer.BatchAttempt::batchId).collect(Collectors.toSet());
        assertThat(stored).containsAll(refused);
        assertThat(logs.said("WARN", "Cannot ship logs of step 's' of job job-1")).isTrue();
    }

    @Test
    void serverStoppedAndRestartedOnTheSamePort_nothingLostNothingDuplicated() throws Exception {
        shipper(SETTINGS);
        StepLog step = shipper.openStep("job-1", "s");
        // The first batch is written but its answer lost: the retry must carry the same batch_id.
        server.storeNextBatchThenFail();
        append(step, numbered("before ", 10));
        // Wait until the retry of that batch was answered, so the outage below starts a new failure streak.
        await().until(() -> server.lines("job-1", "s").size() == 10 && server.attempts().size() >= 2
                && server.attempts().get(1).batchId().equals(server.attempts().get(0).batchId())
                && server.attempts().get(server.attempts().size() - 1).status() == 200);

        server.stop();
        append(step, numbered("during ", 130));
        await().until(() -> logs.messages("WARN").stream().filter(m -> m.contains("Cannot ship logs")).count() >= 2);
        server.start();

        assertThat(closeAndWait(step)).isEqualTo(ShipResult.DELIVERED);
        List<String> expected = Stream.concat(numbered("before ", 10).stream(), numbered("during ", 130).stream())
                .collect(Collectors.toList());
        assertThat(server.lines("job-1", "s")).containsExactlyElementsOf(expected);
        String firstBatch = server.attempts().get(0).batchId();
        assertThat(server.attempts().stream().filter(a -> a.batchId().equals(firstBatch))).hasSize(2);
    }

    @Test
    void batchesBeyondTheMemoryBoundAreSpooledToDiskAndDrainedAfterwards() throws Exception {
        shipper(SETTINGS.withMaxBatchLines(10).withMemoryBudget(2 * 1024));
        server.failLogsWith(503);
        StepLog step = shipper.openStep("job-1", "s");
        List<String> texts = numbered("spooled line ", 300);

        append(step, texts);
        await().until(() -> spoolFiles().size() >= 20);
        assertThat(logs.said("INFO", "spooling batches of step 's' of job job-1")).isTrue();
        server.heal();

        assertThat(closeAndWait(step)).isEqualTo(ShipResult.DELIVERED);
        assertThat(server.lines("job-1", "s")).containsExactlyElementsOf(texts);
        assertThat(spoolFiles()).isEmpty();
    }

    @Test
    void aWorkerRestartedWithANonEmptySpoolShipsIt() throws Exception {
        LogShipper first = shipper(SETTINGS);
        server.stop();
        StepLog step = first.openStep("job-1", "s");
        StepLog other = first.openStep("job-2", "t");
        List<String> texts = numbered("line ", 175);
        append(step, texts);
        append(other, List.of("other step"));
        var closing = step.close();
        other.close();

        first.shutdown(Duration.ZERO);
        shipper = null;

        assertThat(closing.get(10, TimeUnit.SECONDS)).isEqualTo(ShipResult.SPOOLED);
        assertThat(spoolFiles()).isNotEmpty();
        server.start();

        shipper(SETTINGS);

        await().until(() -> server.lines("job-1", "s").size() == texts.size() && server.lines("job-2", "t").size() == 1);
        assertThat(server.lines("job-1", "s")).containsExactlyElementsOf(texts);
        assertThat(server.lines("job-2", "t")).containsExactly("other step");
        await().until(() -> spoolFiles().isEmpty());
    }

    @Test
    void aBatchTheServerRefusesForGoodIsDroppedWithAnError() throws Exception {
        shipper(SETTINGS);
        server.delete("gone-job");
        StepLog gone = shipper.openStep("gone-job", "s");
        StepLog alive = shipper.openStep("job-1", "s");

        append(gone, List.of("nobody wants this"));
        append(alive, List.of("kept"));

        assertThat(closeAndWait(gone)).isEqualTo(ShipResult.INCOMPLETE);
        assertThat(closeAndWait(alive)).isEqualTo(ShipResult.DELIVERED);
        assertThat(server.attempts().stream().filter(a -> a.jobId().equals("gone-job"))).hasSize(1);
        assertThat(logs.said("ERROR", "refused a log batch of step 's' of job gone-job")).isTrue();
        assertThat(server.lines("job-1", "s")).containsExactly("kept");
    }
}
