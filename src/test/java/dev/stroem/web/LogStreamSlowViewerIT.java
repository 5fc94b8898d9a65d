package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A viewer that stops reading while a job logs a lot: nobody else waits for it, and it loses nothing. */
class LogStreamSlowViewerIT {
    private static final int LINES = 100_000;
    private static final int BATCH = 1_000;

    @TempDir
    static Path dir;
    static LiveLogTestServer server;

    @BeforeAll
    static void start() {
        server = LiveLogTestServer.start(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aStalledViewerHoldsUpNobodyAndAfterResumingGetsEveryLineOnceInOrder() {
        String job = server.createJob(LiveLogTestServer.TASK);
        double pagesBefore = server.metric("stroem_log_stream_storage_pages_total");
        try (var slow = StreamClient.connect(server.streamUri(job, "control=true"));
             var fast = StreamClient.connect(server.streamUri(job, null))) {
            slow.pause();
            for (int i = 0; i < LINES; i += BATCH) {
                server.push(job, "compile", "line", i, BATCH);
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> fast.lines().size() == LINES);
            assertThat(slow.envelopeLines()).as("the stalled viewer is still behind").hasSizeLessThan(LINES);

            slow.resume();
            await().atMost(Duration.ofSeconds(60)).until(() -> slow.envelopeLines().size() == LINES);
            List<String> all = LiveLogTestServer.lines(server.fullLog(job));
            assertThat(fast.lines()).isEqualTo(all);
            assertThat(slow.envelopeLines()).isEqualTo(all);
            LogStreamIT.assertContiguous(slow.envelopes(), 0, LINES);
            assertThat(server.metric("stroem_log_stream_storage_pages_total"))
                    .as("it fell out of the in-memory window and was served from the log file")
                    .isGreaterThan(pagesBefore);

            server.cancel(job);
            assertThat(fast.closeCode()).isEqualTo(1000);
            assertThat(slow.closeCode()).isEqualTo(1000);
            assertThat(fast.lines()).isEqualTo(LiveLogTestServer.lines(server.fullLog(job)));
            assertThat(slow.envelopeLines()).isEqualTo(LiveLogTestServer.lines(server.fullLog(job)));
        }
    }
}
