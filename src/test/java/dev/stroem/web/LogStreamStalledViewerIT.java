package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A viewer that stops reading for longer than the unresponsive limit is closed with 1008 and a
 * reason, and resumes from its position. The server pings only hourly here, so the viewer is
 * judged by the frame it does not accept (a viewer that answers no ping: LogStreamLivenessIT).
 */
class LogStreamStalledViewerIT {

    @TempDir
    static Path dir;
    static LiveLogTestServer server;

    @BeforeAll
    static void start() {
        server = LiveLogTestServer.options().liveness(3600, 2).start(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aViewerThatStopsReadingIsClosedWith1008AndAReasonAndCanResumeFromItsPosition() {
        String job = server.createJob(LiveLogTestServer.TASK);
        double before = server.metric("stroem_log_stream_unresponsive_disconnects_total");
        try (var stalled = StreamClient.connect(server.streamUri(job, "control=true"))) {
            stalled.pause();
            // Far more than the network buffers hold, so a frame stays unsent.
            for (int i = 0; i < 100_000; i += 1_000) {
                server.push(job, "compile", "line", i, 1_000);
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> server.metric("stroem_log_stream_unresponsive_disconnects_total") > before);
            await().until(() -> server.metric("stroem_log_stream_viewers") == 0);

            stalled.resume(); // reads what was on its way, then the close
            assertThat(stalled.closeCode()).isEqualTo(1008);
            assertThat(stalled.closeReason()).isEqualTo("viewer accepted no data for 2 s; reconnect with from=<position>");
            List<JsonNode> frames = stalled.envelopes();
            long next = frames.get(frames.size() - 1).get("next").asLong();
            LogStreamIT.assertContiguous(frames, 0, next);
            assertThat(next).as("it was cut off part way").isLessThan(100_000);

            try (var resumed = StreamClient.connect(server.streamUri(job, "control=true&from=" + next))) {
                server.cancel(job);
                assertThat(resumed.closeCode()).isEqualTo(1000);
                var together = new ArrayList<>(stalled.envelopeLines());
                together.addAll(resumed.envelopeLines());
                assertThat(together).isEqualTo(LiveLogTestServer.lines(server.fullLog(job)));
            }
        }
    }
}
