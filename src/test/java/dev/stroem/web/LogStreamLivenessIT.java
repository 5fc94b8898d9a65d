package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pings keep idle viewers connected; a client that is gone is detected and released. */
class LogStreamLivenessIT {

    @TempDir
    static Path dir;
    static LiveLogTestServer server;

    @BeforeAll
    static void start() {
        // Short limits so the test is short: a ping every second, 2 s to respond.
        server = LiveLogTestServer.options().liveness(1, 2).start(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anIdleViewerThatAnswersPingsStaysConnected() {
        String job = server.createJob(LiveLogTestServer.TASK);
        try (var idle = StreamClient.connect(server.streamUri(job, null))) {
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() -> !idle.isClosed());
            assertThat(idle.pings()).isGreaterThanOrEqualTo(3);
            server.push(job, "compile", "still-here", 0, 1);
            await().until(() -> idle.lines().size() == 1);
            server.cancel(job);
            assertThat(idle.closeCode()).isEqualTo(1000);
        }
    }

    @Test
    void aDeadClientIsDetectedAndReleased() throws Exception {
        String job = server.createJob(LiveLogTestServer.TASK);
        double before = server.metric("stroem_log_stream_unresponsive_disconnects_total");
        // Upgrades, then never reads and never answers a ping: a client whose machine went away.
        try (var dead = RawUpgrade.open(server.port(), "/api/jobs/" + job + "/logs/stream", Map.of())) {
            assertThat(dead.status).isEqualTo(101);
            await().until(() -> server.metric("stroem_log_stream_viewers") == 1);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> server.metric("stroem_log_stream_unresponsive_disconnects_total") > before);
            assertThat(server.metric("stroem_log_stream_viewers")).isZero();
            assertThat(dead.serverClosed()).as("the server dropped the connection").isTrue();
        }
        server.cancel(job);
    }
}
