package dev.stroem.logs;

import static dev.stroem.logs.TestLines.at;
import static dev.stroem.logs.TestLines.drain;
import static dev.stroem.logs.TestLines.out;
import static dev.stroem.logs.TestLines.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLogReadTest {

    @TempDir
    Path dir;

    private final JsonlCodec codec = new JsonlCodec();
    private LocalLogStore store;

    @BeforeEach
    void setUp() {
        // a small index interval so offset reads really seek through the sparse index
        store = new LocalLogStore(dir, LocalLogStore.Options.defaults().withIndexInterval(16), codec);
    }

    private List<LogRecord> read(String job, LogQuery q) {
        return drain(store.read(job, q));
    }

    @Test
    void stepFilterMatchesTheDecodedFieldExactly() {
        store.append("job", List.of(
                out("say", "from say"),
                out("say-hello", "from say-hello"),
                out("other", "I mention say and \"step\":\"say\" in my text"),
                out("Say", "different case"),
                out("say", "say again")));

        assertThat(texts(read("job", LogQuery.all().withStep("say")), codec)).containsExactly("from say", "say again");
        assertThat(read("job", LogQuery.all().withStep("say")))
                .extracting(LogRecord::index).containsExactly(0L, 4L);
        assertThat(texts(read("job", LogQuery.all().withStep("say-hello")), codec)).containsExactly("from say-hello");
        assertThat(read("job", LogQuery.all().withStep("sa"))).isEmpty();
    }

    @Test
    void streamFilterAndBothFiltersTogether() {
        store.append("job", List.of(
                at(0, LogStream.STDOUT, "a", "a-out"),
                at(1, LogStream.STDERR, "a", "a-err"),
                at(2, LogStream.STDERR, "b", "b-err")));
        assertThat(texts(read("job", LogQuery.all().withStream(LogStream.STDERR)), codec)).containsExactly("a-err", "b-err");
        assertThat(texts(read("job", LogQuery.all().withStream(LogStream.STDERR).withStep("a")), codec))
                .containsExactly("a-err");
    }

    @Test
    void recordsCarryTheStoredJsonText() {
        store.append("job", List.of(out("s", "hello")));
        assertThat(read("job", LogQuery.all())).containsExactly(new LogRecord(0,
                "{\"ts\":\"2025-02-12T10:56:45.000Z\",\"stream\":\"stdout\",\"step\":\"s\",\"line\":\"hello\"}"));
    }

    @Test
    void offsetLimitAndNextOffsetPageThroughTheLog() {
        for (int b = 0; b < 10; b++) {
            List<LogLine> lines = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                lines.add(out(i % 2 == 0 ? "even" : "odd", "line " + (b * 10 + i)));
            }
            store.append("job", lines);
        }
        List<String> all = new ArrayList<>();
        long offset = 0;
        int pages = 0;
        while (true) {
            try (LogCursor c = store.read("job", LogQuery.all().withOffset(offset).withLimit(7))) {
                List<LogRecord> page = new ArrayList<>();
                c.forEachRemaining(page::add);
                if (page.isEmpty()) {
                    assertThat(c.nextOffset()).isEqualTo(100);
                    break;
                }
                assertThat(page.get(0).index()).isEqualTo(offset);
                all.addAll(texts(page, codec));
                offset = c.nextOffset();
                pages++;
            }
        }
        assertThat(pages).isEqualTo(15);
        assertThat(all).hasSize(100).first().isEqualTo("line 0");
        assertThat(all.get(99)).isEqualTo("line 99");

        try (LogCursor c = store.read("job", LogQuery.all().withStep("odd").withOffset(50).withLimit(3))) {
            assertThat(drainOpen(c)).extracting(LogRecord::index).containsExactly(51L, 53L, 55L);
            assertThat(c.nextOffset()).isEqualTo(56);
        }
        try (LogCursor c = store.read("job", LogQuery.all().withStep("odd").withOffset(95))) {
            assertThat(drainOpen(c)).extracting(LogRecord::index).containsExactly(95L, 97L, 99L);
            assertThat(c.nextOffset()).isEqualTo(100);
        }
        try (LogCursor c = store.read("job", LogQuery.all().withOffset(500))) {
            assertThat(c.hasNext()).isFalse();
            assertThat(c.nextOffset()).isEqualTo(500);
        }
    }

    private static List<LogRecord> drainOpen(LogCursor c) {
        List<LogRecord> out = new ArrayList<>();
        c.forEachRemaining(out::add);
        return out;
    }

    @Test
    void readsOnlyLinesWrittenBeforeTheReadStarted() {
        store.append("job", List.of(out("s", "one"), out("s", "two")));
        try (LogCursor c = store.read("job", LogQuery.all())) {
            store.append("job", List.of(out("s", "three")));
            assertThat(texts(drainOpen(c), codec)).containsExactly("one", "two");
            assertThat(c.nextOffset()).isEqualTo(2);
        }
        assertThat(read("job", LogQuery.all().withOffset(2))).extracting(LogRecord::index).containsExactly(2L);
    }

    @Test
    void tailAndTailBytesOnAMultiMegabyteLog() throws Exception {
        int n = 30_000;
        List<String> expected = new ArrayList<>();
        for (int b = 0; b < n / 500; b++) {
            List<LogLine> lines = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int k = b * 500 + i;
                String step = k % 3 == 0 ? "build" : "test";
                lines.add(at(k, k % 5 == 0 ? LogStream.STDERR : LogStream.STDOUT, step,
                        "line " + k + " " + "z".repeat(k % 150)));
            }
            store.append("big", lines);
        }
        List<String> file = Files.readAllLines(dir.resolve("big.jsonl"));
        assertThat(Files.size(dir.resolve("big.jsonl"))).isGreaterThan(3_000_000);
        expected.addAll(file);

        // tail N, unfiltered
        try (LogCursor c = store.read("big", LogQuery.all().withTail(1000))) {
            List<LogRecord> tail = drainOpen(c);
            assertThat(tail).hasSize(1000);
            assertThat(tail.get(0)).isEqualTo(new LogRecord(n - 1000, expected.get(n - 1000)));
            assertThat(tail.get(999).index()).isEqualTo(n - 1);
            assertThat(c.nextOffset()).isEqualTo(n);
        }
        // tail N of one step: the last 10 lines whose step is "build"
        List<Integer> buildIdx = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            if (k % 3 == 0) {
                buildIdx.add(k);
            }
        }
        assertThat(read("big", LogQuery.all().withStep("build").withTail(10)))
                .extracting(r -> (int) r.index()).containsExactlyElementsOf(buildIdx.subList(buildIdx.size() - 10, buildIdx.size()));
        // tail larger than the log
        assertThat(read("big", LogQuery.all().withStep("build").withOffset(n - 7).withTail(100)))
                .extracting(LogRecord::index).containsExactly((long) n - 6, (long) n - 3);

        // tailBytes, unfiltered: whole lines from the end within the budget
        long budget = 100_000;
        try (LogCursor c = store.read("big", LogQuery.all().withTailBytes(budget))) {
            List<LogRecord> tail = drainOpen(c);
            long bytes = tail.stream().mapToLong(r -> r.text().getBytes(StandardCharsets.UTF_8).length + 1).sum();
            ByteWindow w = c.byteWindow().orElseThrow();
            assertThat(w.totalBytes()).isEqualTo(Files.size(dir.resolve("big.jsonl")));
            assertThat(w.returnedBytes()).isEqualTo(bytes).isLessThanOrEqualTo(budget);
            assertThat(w.truncated()).isTrue();
            int first = n - tail.size();
            long withOneMore = bytes + expected.get(first - 1).getBytes(StandardCharsets.UTF_8).length + 1;
            assertThat(withOneMore).as("the next older line would not fit").isGreaterThan(budget);
            assertThat(tail.get(0).text()).isEqualTo(expected.get(first));
            assertThat(tail.get(tail.size() - 1).index()).isEqualTo(n - 1);
        }
        // tailBytes with a filter counts only matching lines
        try (LogCursor c = store.read("big", LogQuery.all().withStream(LogStream.STDERR).withTailBytes(5_000))) {
            List<LogRecord> tail = drainOpen(c);
            long totalStderr = expected.stream().filter(l -> l.contains("\"stream\":\"stderr\""))
                    .mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1).sum();
            ByteWindow w = c.byteWindow().orElseThrow();
            assertThat(w.totalBytes()).isEqualTo(totalStderr);
            assertThat(tail).allMatch(r -> r.index() % 5 == 0);
            assertThat(w.returnedBytes()).isLessThanOrEqualTo(5_000).isPositive();
        }
        // a budget bigger than the log: everything, not truncated
        try (LogCursor c = store.read("big", LogQuery.all().withTailBytes(1L << 40))) {
            assertThat(drainOpen(c)).hasSize(n);
            assertThat(c.byteWindow().orElseThrow().truncated()).isFalse();
        }
    }

    @Test
    void writeToStreamsRawNdjson() throws Exception {
        store.append("job", List.of(out("a", "one"), out("b", "two"), out("a", "three")));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (LogCursor c = store.read("job", LogQuery.all())) {
            assertThat(c.writeTo(all)).isEqualTo(3);
            assertThat(c.nextOffset()).isEqualTo(3);
        }
        assertThat(all.toByteArray()).isEqualTo(Files.readAllBytes(dir.resolve("job.jsonl")));

        ByteArrayOutputStream onlyA = new ByteArrayOutputStream();
        try (LogCursor c = store.read("job", LogQuery.all().withStep("a"))) {
            assertThat(c.writeTo(onlyA)).isEqualTo(2);
        }
        assertThat(onlyA.toString(StandardCharsets.UTF_8).lines().map(l -> codec.decode(l).line()))
                .containsExactly("one", "three");
    }

    @Test
    void absentLogReadsEmpty() {
        try (LogCursor c = store.read("nobody", LogQuery.all().withTailBytes(100))) {
            assertThat(c.hasNext()).isFalse();
            assertThat(c.byteWindow()).contains(new ByteWindow(0, 0, false));
        }
    }

    @Test
    void invalidQueriesAreRejected() {
        assertThatThrownBy(() -> LogQuery.all().withTail(5).withLimit(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogQuery.all().withTail(5).withTailBytes(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogQuery.all().withOffset(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.read("../etc", LogQuery.all())).isInstanceOf(IllegalArgumentException.class);
    }
}
