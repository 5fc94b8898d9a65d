package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.NewStep;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import dev.stroem.web.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's log shipper against the real server (not the worker-API stand-in): what the server
 * really answers decides what the shipper does.
 */
class LogShipperRealServerIT {
    private static final ShipperSettings SETTINGS = new ShipperSettings(
            50, 256 * 1024, Duration.ofSeconds(1), 4L * 1024 * 1024, Duration.ofMillis(50), Duration.ofMillis(500));

    @TempDir
    Path dir;

    private TestServer server;
    private LogShipper shipper;
    private final CapturedLogs logs = new CapturedLogs();

    @BeforeEach
    void start() throws Exception {
        server = TestServer.in(dir.resolve("server"), "sqlite:" + dir.resolve("stroem.db")).start();
        var api = new WorkerApiClient(server.url(), TestServer.WORKER_TOKEN, Duration.ofSeconds(5));
        shipper = new LogShipper(api, new LogSpool(dir.resolve("spool")), SETTINGS);
        shipper.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        shipper.shutdown(Duration.ZERO);
        server.close();
        logs.close();
    }

    private static void append(StepLog step, String text) {
        step.append(new LogLine(Instant.now(), LogStream.STDOUT, step.stepName(), text));
    }

    @Test
    void defect2_aStepNameTheServerCannotStore_isRefusedOnce_andTheWorkerStopsRetryingIt() throws Exception {
        // A job created before workspaces refused such names: its step "c:build" cannot name a file.
        server.jobs().createJob(new Job("old-job", "default", "t", JobStatus.RUNNING, Map.of(), Job.SOURCE_API, null,
                null, null, null, null, Instant.now(), null, null),
                List.of(new NewStep("c:build", "a", "script", List.of(), false, null, List.of()),
                        new NewStep("ok", "a", "script", List.of(), false, null, List.of())));
        StepLog refused = shipper.openStep("old-job", "c:build");
        StepLog fine = shipper.openStep("old-job", "ok");

        append(refused, "cannot be stored");
        append(fine, "stored");

        // Before the fix the server answered 500 and the shipper retried for ever: this never completed.
        assertThat(refused.close().get(60, TimeUnit.SECONDS)).isEqualTo(ShipResult.INCOMPLETE);
        assertThat(fine.close().get(60, TimeUnit.SECONDS)).isEqualTo(ShipResult.DELIVERED);
        assertThat(logs.said("ERROR", "refused a log batch of step 'c:build' of job old-job")).isTrue();
        var body = new ObjectMapper().readTree(server.api().get("/api/jobs/old-job/logs").body());
        assertThat(body.get("logs").asText()).contains("\"line\":\"stored\"").doesNotContain("cannot be stored");
    }
}
