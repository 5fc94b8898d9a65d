package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.config.WorkerConfig;
import dev.stroem.web.HttpTestClient;
import dev.stroem.web.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stroem worker} against a real server with waiting claims: steps start when they become
 * ready, not at the next poll, and a shutdown does not wait for the claim's wait to end.
 */
class WorkerWaitingClaimIT {
    /** So long that a job finishing before it proves the worker did not poll. */
    private static final long POLL_INTERVAL_SECS = 120;
    private static final long CLAIM_WAIT_SECS = 20;

    @TempDir
    Path dir;

    private TestServer server;
    private Worker worker;

    @AfterEach
    void stop() throws InterruptedException {
        if (worker != null) {
            worker.shutdown();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50));
    }

    @Test
    void stepsStartWhenTheyBecomeReadyAndShutdownAbandonsTheWait() throws Exception {
        server = TestServer.in(dir, "sqlite:" + dir.resolve("db").resolve("stroem.db")).start();
        var api = server.api();
        var config = new WorkerConfig(server.url(), TestServer.WORKER_TOKEN, "waiting-worker", 2, POLL_INTERVAL_SECS,
                30L, List.of("script"), List.of(), dir.resolve("work").toString(), dir.resolve("spool").toString(), 30L,
                CLAIM_WAIT_SECS);
        var options = WorkerOptions.defaults();
        worker = new Worker(config, new WorkerApiClient(server.url(), TestServer.WORKER_TOKEN, options.requestTimeout()),
                options);
        worker.start();
        eventually().until(() -> waitingClaims(api) == 1); // its claim waits at the server

        // Two steps, one after the other; with polling the second could start only after 120 s.
        var answer = api.post("/api/workspaces/default/tasks/hello-world/execute", Map.of("input", Map.of()));
        String jobId = answer.json().path("job_id").asText();
        eventually().until(() -> "completed".equals(api.get("/api/jobs/" + jobId).json().path("status").asText()));
        assertThat(api.get("/api/jobs/" + jobId + "/steps/shout-it/logs").json().path("logs").asText())
                .contains("HELLO WORLD");

        eventually().until(() -> waitingClaims(api) == 1);
        var stopping = CompletableFuture.runAsync(() -> {
            try {
                worker.shutdown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // Well before the 20 s wait is over: the worker did not sit out its waiting claims.
        stopping.get(CLAIM_WAIT_SECS / 2, TimeUnit.SECONDS);
        worker = null;
    }

    private static double waitingClaims(HttpTestClient api) {
        for (String line : api.get("/metrics").body().split("\n")) {
            if (line.startsWith("stroem_claims_waiting ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no stroem_claims_waiting metric");
    }
}
