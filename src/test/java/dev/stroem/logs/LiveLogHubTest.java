package dev.stroem.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveLogHubTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    LocalLogStore store;
    LiveLogHub hub;
    final ExecutorService network = Executors.newFixedThreadPool(2);

    @BeforeEach
    void open() {
        store = new LocalLogStore(dir);
    }

    private void hub(long bufferBytes, int frameBytes) {
        hub = new LiveLogHub(store, new LiveLogHub.Options(bufferBytes, frameBytes, 2));
        store.addListener(hub);
    }

    @AfterEach
    void close() {
        network.shutdownNow();
        if (hub != null) {
            hub.close();
        }
        store.close();
    }

    /**
     * A viewer's socket: records what it got and completes each send either at once (the network
     * took it) or later on another thread, at random, like a real socket.
     */
    final class RecordingSink implements LiveFrameSink {
        final List<String> frames = new ArrayList<>();
        volatile boolean finished;
        volatile Throwable aborted;
        volatile boolean stalled;
        private Runnable held;

        @Override
        public void send(ByteBuffer frame, Runnable sent, Consumer<Throwable> failed) {
            synchronized (this) {
                frames.add(StandardCharsets.UTF_8.decode(frame.duplicate()).toString());
                if (stalled) {
                    held = sent;
                    return;
                }
            }
            if (ThreadLocalRandom.current().nextBoolean()) {
                sent.run();
            } else {
                network.execute(sent);
            }
        }

        synchronized void stall() {
            stalled = true;
        }

        synchronized void unstall() {
            stalled = false;
            if (held != null) {
                network.execute(held);
                held = null;
            }
        }

        @Override
        public void finished() {
            finished = true;
        }

        @Override
        public void aborted(Throwable cause) {
            aborted = cause;
        }

        synchronized List<String> lines() {
            var out = new ArrayList<String>();
            for (String f : frames) {
                assertThat(f).endsWith("\n");
                out.addAll(List.of(f.split("\n")));
            }
            return out;
        }

        synchronized List<JsonNode> envelopes() {
            return frames.stream().map(LiveLogHubTest::parse).toList();
        }

        List<String> envelopeLines() {
            var out = new ArrayList<String>();
            for (JsonNode e : envelopes()) {
                if (e.get("type").asText().equals("lines") && !e.get("data").asText().isEmpty()) {
                    out.addAll(List.of(e.get("data").asText().split("\n")));
                }
            }
            return out;
        }
    }

    @Test
    void defect3_aFollowerBehindTheRingWhoseLogFileWasDeleted_isEndedWithAReason_notLeftWaiting() throws Exception {
        hub(1024, 1024);
        String job = "deleted-under-us";
        var watching = new RecordingSink();
        hub.follow(new StreamRequest(job, 0, null, false), watching);
        for (int b = 0; b < 20; b++) {
            store.append(job, TestLines.batch("a", "line-" + b + "-", 20));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> watching.lines().size() == 400);
        // local_dir is cleaned up behind the server's back while the job is still watched.
        java.nio.file.Files.delete(store.jsonlPath(job));

        var late = new RecordingSink();
        hub.follow(new StreamRequest(job, 0, null, false), late);

        await().atMost(Duration.ofSeconds(30)).until(() -> late.aborted != null);
        assertThat(late.aborted.getMessage()).contains("no longer holds line 0", "from=0");
        assertThat(late.finished).isFalse();
    }

    @Test
    void viewersSubscribingWhileBatchesAreAppendedGetEveryLineExactlyOnceInOrder() throws Exception {
        hub(4 * 1024, 2 * 1024); // a small ring and small frames: every path is taken
        for (int round = 0; round < 100; round++) {
            String job = "seam-" + round;
            store.append(job, TestLines.batch("a", "pre-", ThreadLocalRandom.current().nextInt(0, 30)));
            var writer = new Thread(() -> {
                var random = ThreadLocalRandom.current();
                for (int b = 0; b < 60; b++) {
                    String step = random.nextBoolean() ? "a" : "b";
                    store.append(job, TestLines.batch(step, "b" + b + "-", random.nextInt(1, 20)));
                    if (random.nextInt(4) == 0) {
                        Thread.yield();
                    }
                }
            });
            writer.start();
            var plain = new RecordingSink();
            var control = new RecordingSink();
            var filtered = new RecordingSink();
            hub.follow(new StreamRequest(job, 0, null, false), plain);
            hub.follow(new StreamRequest(job, 0, null, true), control);
            hub.follow(new StreamRequest(job, 0, "b", true), filtered);
            writer.join();
            int total = TestLines.fileLines(store.jsonlPath(job)).size();
            // Delivered without any further signal: no wake-up was lost.
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> plain.lines().size() == total && control.envelopeLines().size() == total);
            hub.jobEnded(job, "completed");
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                    .until(() -> plain.finished && control.finished && filtered.finished);

            List<String> all = TestLines.fileLines(store.jsonlPath(job));
            assertThat(plain.lines()).as("round %d", round).isEqualTo(all);
            assertThat(control.envelopeLines()).as("round %d", round).isEqualTo(all);
            assertThat(filtered.envelopeLines()).as("round %d", round)
                    .isEqualTo(all.stream().filter(l -> parse(l).get("step").asText().equals("b")).toList());
            assertPositions(control.envelopes(), 0, all.size(), "completed");
            assertPositions(filtered.envelopes(), 0, all.size(), "completed");
        }
        assertThat(hub.viewers()).isZero();
        assertThat(hub.watchedJobs()).isZero();
    }

    @Test
    void aStalledViewerFallsOutOfTheRingAndIsServedFromTheFileWhileOthersKeepUp() {
        hub(16 * 1024, 4 * 1024);
        String job = "slow";
        var slow = new RecordingSink();
        var fast = new RecordingSink();
        hub.follow(new StreamRequest(job, 0, null, false), slow);
        hub.follow(new StreamRequest(job, 0, null, false), fast);
        slow.stall();
        for (int i = 0; i < 200; i++) {
            store.append(job, TestLines.batch("a", "l" + i + "-", 50));
        }
        await().until(() -> fast.lines().size() == 10_000);
        assertThat(slow.lines().size()).isLessThan(10_000);
        long pagesBefore = hub.storagePages();

        slow.unstall();
        await().until(() -> slow.lines().size() == 10_000);
        assertThat(hub.storagePages()).isGreaterThan(pagesBefore);
        List<String> all = TestLines.fileLines(store.jsonlPath(job));
        assertThat(slow.lines()).isEqualTo(all);
        assertThat(fast.lines()).isEqualTo(all);
        assertThat(slow.frames).allSatisfy(f -> assertThat(f.length()).isLessThanOrEqualTo(4 * 1024));
    }

    @Test
    void fromResumesAtAPositionAndAViewerAtTheEndWaitsForTheNextLines() {
        hub(1 << 20, 64 * 1024);
        String job = "resume";
        store.append(job, TestLines.batch("a", "x", 10));
        var resumed = new RecordingSink();
        hub.follow(new StreamRequest(job, 7, null, true), resumed);
        await().until(() -> resumed.envelopeLines().size() == 3);
        store.append(job, TestLines.batch("a", "y", 2));
        await().until(() -> resumed.envelopeLines().size() == 5);
        hub.jobEnded(job, "failed");
        await().until(() -> resumed.finished);
        List<String> all = TestLines.fileLines(store.jsonlPath(job));
        assertThat(resumed.envelopeLines()).isEqualTo(all.subList(7, 12));
        assertPositions(resumed.envelopes(), 7, 12, "failed");
    }

    @Test
    void aFilteredViewerIsToldHowFarItGotWhenEverythingWasFilteredOut() {
        hub(1 << 20, 64 * 1024);
        String job = "filtered";
        var events = new RecordingSink();
        hub.follow(new StreamRequest(job, 0, "_server", true), events);
        store.append(job, TestLines.batch("a", "x", 5));
        await().until(() -> events.envelopes().stream().anyMatch(e -> e.get("next").asLong() == 5));
        assertThat(events.envelopes()).extracting(e -> e.get("type").asText()).containsOnly("position");
    }

    @Test
    void aFinishedJobIsReplayedFromAReadThenEnds() {
        hub(1 << 20, 1024);
        String job = "done";
        store.append(job, TestLines.batch("a", "x", 100));
        var sink = new RecordingSink();
        var read = new JobLogReader(store).read(new JobLogRef(job, "ws", "t", TestLines.T0, true, null),
                LogQuery.all().withOffset(40));
        hub.replay(read, new StreamRequest(job, 40, null, true), "cancelled", sink);
        await().until(() -> sink.finished);
        assertThat(sink.envelopeLines()).isEqualTo(TestLines.fileLines(store.jsonlPath(job)).subList(40, 100));
        assertPositions(sink.envelopes(), 40, 100, "cancelled");
        assertThat(hub.viewers()).isZero();
    }

    @Test
    void aCancelledViewerIsForgottenAndGetsNoMoreFrames() {
        hub(1 << 20, 64 * 1024);
        String job = "gone";
        var sink = new RecordingSink();
        var sub = hub.follow(new StreamRequest(job, 0, null, false), sink);
        store.append(job, TestLines.batch("a", "x", 3));
        await().until(() -> sink.lines().size() == 3);
        sub.cancel();
        assertThat(hub.viewers()).isZero();
        assertThat(hub.watchedJobs()).isZero();
        store.append(job, TestLines.batch("a", "y", 3));
        hub.jobEnded(job, "completed");
        var other = new RecordingSink();
        hub.follow(new StreamRequest(job, 0, null, false), other);
        hub.jobEnded(job, "completed");
        await().until(() -> other.finished);
        assertThat(sink.lines()).hasSize(3);
        assertThat(sink.finished).isFalse();
    }

    /** Envelopes: position first, contiguous lines, end last with the status and the position after every line. */
    private static void assertPositions(List<JsonNode> frames, long start, long end, String status) {
        assertThat(frames.get(0).get("type").asText()).isEqualTo("position");
        assertThat(frames.get(0).get("next").asLong()).isEqualTo(start);
        long at = start;
        for (JsonNode f : frames.subList(1, frames.size() - 1)) {
            if (f.get("type").asText().equals("lines")) {
                assertThat(f.get("first").asLong()).isEqualTo(at);
            }
            assertThat(f.get("next").asLong()).isGreaterThan(at);
            at = f.get("next").asLong();
        }
        JsonNode last = frames.get(frames.size() - 1);
        assertThat(last.get("type").asText()).isEqualTo("end");
        assertThat(last.get("status").asText()).isEqualTo(status);
        assertThat(last.get("next").asLong()).isEqualTo(end).isGreaterThanOrEqualTo(at); // filtered-out lines may end it
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
