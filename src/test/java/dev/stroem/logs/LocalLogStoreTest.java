package dev.stroem.logs;

import static dev.stroem.logs.TestLines.batch;
import static dev.stroem.logs.TestLines.drain;
import static dev.stroem.logs.TestLines.fileLines;
import static dev.stroem.logs.TestLines.out;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLogStoreTest {

    @TempDir
    Path dir;

    private final JsonlCodec codec = new JsonlCodec();

    private LocalLogStore store(LocalLogStore.Options options) {
        return new LocalLogStore(dir.resolve("logs"), options, codec);
    }

    private LocalLogStore store() {
        return store(LocalLogStore.Options.defaults());
    }

    @Test
    void aLogFileDeletedBehindTheStoresBackStartsAgainCleanlyWhenLinesArriveLater() throws IOException {
        LocalLogStore store = store();
        Path file = dir.resolve("logs/job-1.jsonl");
        store.append("job-1", List.of(out("s", "one"), out("s", "two")));
        store.close("job-1");
        assertThat(store.lineCount("job-1")).isEqualTo(2); // state loaded again by a read

        Files.delete(file); // e.g. local_dir cleaned up once the log was archived
        AppendResult late = store.append("job-1", List.of(out("s", "late")));

        assertThat(late).isEqualTo(new AppendResult(0, 1, false));
        assertThat(fileLines(file)).containsExactly(
                "{\"ts\":\"2025-02-12T10:56:45.000Z\",\"stream\":\"stdout\",\"step\":\"s\",\"line\":\"late\"}");
        assertThat(store.lineCount("job-1")).isEqualTo(1);
        assertThat(store.size("job-1")).isEqualTo(Files.size(file));
    }

    @Test
    void aLogFileDeletedWhileItsHandleIsOpenDoesNotSwallowLaterLines() throws IOException {
        LocalLogStore store = store();
        Path file = dir.resolve("logs/job-2.jsonl");
        store.append("job-2", List.of(out("s", "before")));

        Files.delete(file);
        store.append("job-2", List.of(out("s", "after")));

        assertThat(fileLines(file)).hasSize(1).allSatisfy(l -> assertThat(l).contains("\"line\":\"after\""));
        assertThat(drain(store.read("job-2", LogQuery.all()))).hasSize(1);
    }

    @Test
    void createsTheDirectoryAndWritesOneJsonObjectPerLine() {
        LocalLogStore store = store();
        AppendResult r1 = store.append("job-1", List.of(out("say-hello", "Hello"), out("say-hello", "World")));
        AppendResult r2 = store.append("job-1", List.of(out("other", "third")));

        assertThat(r1).isEqualTo(new AppendResult(0, 2, false));
        assertThat(r2).isEqualTo(new AppendResult(2, 1, false));
        Path file = dir.resolve("logs/job-1.jsonl");
        assertThat(fileLines(file)).containsExactly(
                "{\"ts\":\"2025-02-12T10:56:45.000Z\",\"stream\":\"stdout\",\"step\":\"say-hello\",\"line\":\"Hello\"}",
                "{\"ts\":\"2025-02-12T10:56:45.000Z\",\"stream\":\"stdout\",\"step\":\"say-hello\",\"line\":\"World\"}",
                "{\"ts\":\"2025-02-12T10:56:45.000Z\",\"stream\":\"stdout\",\"step\":\"other\",\"line\":\"third\"}");
        assertThat(store.lineCount("job-1")).isEqualTo(3);
        assertThat(store.size("job-1")).isEqualTo(file.toFile().length());
    }

    @Test
    void aLineIsReadableTheMomentAppendReturns() throws IOException {
        LocalLogStore store = store();
        store.append("job", List.of(out("s", "visible")));
        // another reader of the file (no store involved) already sees it
        assertThat(Files.readString(dir.resolve("logs/job.jsonl"))).contains("visible").endsWith("\n");
    }

    @Test
    void unsafeNamesAreRejectedBeforeAnythingIsWritten() throws IOException {
        LocalLogStore store = store();
        assertThatThrownBy(() -> store.append("../x", List.of(out("s", "a"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("job id");
        assertThatThrownBy(() -> store.append("job", List.of(out("s", "a"), out("a/b", "b"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("step");
        try (Stream<Path> files = Files.list(dir.resolve("logs"))) {
            assertThat(files).isEmpty();
        }
        assertThat(dir.resolve("x.jsonl")).doesNotExist();
    }

    @Test
    void concurrentAppendsToOneJobNeverInterleaveAndLoseNothing() throws Exception {
        LocalLogStore store = store();
        int threads = 8;
        int batches = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int b = 0; b < batches; b++) {
                    List<LogLine> lines = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        // long enough that a torn write would show, with text needing escapes
                        lines.add(out("s", "t" + thread + "-b" + b + "-" + i + " \"" + "x".repeat(300) + "\""));
                    }
                    store.append("shared", lines);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<String> lines = fileLines(dir.resolve("logs/shared.jsonl"));
        Set<String> seen = new HashSet<>();
        for (String line : lines) {
            LogLine decoded = codec.decode(line); // every line is a whole JSON object
            assertThat(seen.add(decoded.line())).as("no duplicate").isTrue();
        }
        Set<String> expected = new HashSet<>();
        for (int t = 0; t < threads; t++) {
            for (int b = 0; b < batches; b++) {
                for (int i = 0; i < 10; i++) {
                    expected.add("t" + t + "-b" + b + "-" + i + " \"" + "x".repeat(300) + "\"");
                }
            }
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(store.lineCount("shared")).isEqualTo(threads * batches * 10L);
    }

    @Test
    void thousandsOfJobsNeverExceedTheHandleCache() throws Exception {
        Path fdDir = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fdDir), "needs /proc to count open files");
        LocalLogStore store = store(LocalLogStore.Options.defaults().withMaxOpenFiles(64));
        int jobs = 5000;
        int maxOpenSeen = 0;
        for (int round = 0; round < 3; round++) {
            for (int j = 0; j < jobs; j++) {
                store.append("job-" + j, List.of(out("s", "round " + round)));
                if (j % 500 == 0) {
                    maxOpenSeen = Math.max(maxOpenSeen, openFilesUnder(fdDir, dir));
                    assertThat(store.openHandleCount()).isLessThanOrEqualTo(64);
                }
            }
        }
        assertThat(maxOpenSeen).isBetween(1, 64);
        List<String> incomplete = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            List<String> texts = fileLines(dir.resolve("logs/job-" + j + ".jsonl")).stream()
                    .map(l -> codec.decode(l).line()).toList();
            if (!texts.equals(List.of("round 0", "round 1", "round 2"))) {
                incomplete.add("job-" + j + ": " + texts);
            }
        }
        assertThat(incomplete).isEmpty();
    }

    @Test
    void manyThreadsOnManyJobsStayWithinTheHandleCache() throws Exception {
        LocalLogStore store = store(LocalLogStore.Options.defaults().withMaxOpenFiles(16));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        List<Integer> observed = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 400; i++) {
                    store.append("job-" + ((i * 7 + thread) % 100), List.of(out("s", "t" + thread + "-" + i)));
                    observed.add(store.openHandleCount());
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(observed).allMatch(n -> n <= 16);
        long total = 0;
        for (int j = 0; j < 100; j++) {
            total += store.lineCount("job-" + j);
        }
        assertThat(total).isEqualTo(8 * 400);
    }

    private static int openFilesUnder(Path fdDir, Path root) throws IOException {
        int n = 0;
        try (Stream<Path> fds = Files.list(fdDir)) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).startsWith(root)) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        return n;
    }

    @Test
    void retriedBatchIsWrittenOnce() {
        LocalLogStore store = store();
        store.append("job", List.of(out("s", "before")));
        AppendResult first = store.append("job", "batch-1", batch("s", "line", 3));
        AppendResult retry = store.append("job", "batch-1", batch("s", "line", 3));

        assertThat(first).isEqualTo(new AppendResult(1, 3, false));
        assertThat(retry).isEqualTo(new AppendResult(1, 3, true));
        assertThat(store.lineCount("job")).isEqualTo(4);
    }

    @Test
    void retriedBatchIsWrittenOnceAcrossARestart() {
        LocalLogStore before = store();
        before.append("job", "batch-1", batch("s", "line", 3));
        before.append("job", "batch-2", batch("s", "more", 2));
        // the process dies before answering; a new one receives the retry (with fresh arrival times)
        LocalLogStore after = store();
        List<LogLine> retried = batch("s", "line", 3).stream()
                .map(l -> new LogLine(l.ts().plusSeconds(30), l.stream(), l.step(), l.line())).toList();
        AppendResult retry = after.append("job", "batch-1", retried);

        assertThat(retry).isEqualTo(new AppendResult(0, 3, true));
        assertThat(fileLines(dir.resolve("logs/job.jsonl"))).hasSize(5);
        assertThat(after.append("job", "batch-3", batch("s", "new", 1))).isEqualTo(new AppendResult(5, 1, false));
    }

    @Test
    void tornTailIsRepairedOnOpen() throws IOException {
        LocalLogStore before = store();
        before.append("job", batch("s", "whole", 2));
        Path file = dir.resolve("logs/job.jsonl");
        Files.writeString(file, "{\"ts\":\"2025-02-12T10:56:45.000Z\",\"str", StandardOpenOption.APPEND);

        LocalLogStore after = store();
        assertThat(after.lineCount("job")).isEqualTo(2);
        after.append("job", List.of(out("s", "next")));
        assertThat(fileLines(file)).extracting(l -> codec.decode(l).line()).containsExactly("whole0", "whole1", "next");
    }

    @Test
    void defect9_readsNeverChangeTheFile_aTornTailIsRepairedOnlyByTheNextAppend() throws IOException {
        LocalLogStore before = store();
        before.append("job", batch("s", "whole", 2));
        before.close();
        Path file = dir.resolve("logs/job.jsonl");
        Files.writeString(file, "{\"ts\":\"2025-02-12T10:56:45.000Z\",\"str", StandardOpenOption.APPEND);
        byte[] onDisk = Files.readAllBytes(file);
        var modified = Files.getLastModifiedTime(file);

        LocalLogStore reader = store();
        assertThat(reader.lineCount("job")).isEqualTo(2);
        assertThat(TestLines.drain(reader.read("job", LogQuery.all()))).hasSize(2);
        assertThat(reader.size("job")).isEqualTo(onDisk.length - "{\"ts\":\"2025-02-12T10:56:45.000Z\",\"str".length());

        assertThat(Files.readAllBytes(file)).as("a read leaves the file as it is").isEqualTo(onDisk);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
        reader.append("job", List.of(out("s", "next")));
        assertThat(fileLines(file)).extracting(l -> codec.decode(l).line()).containsExactly("whole0", "whole1", "next");
    }

    @Test
    void defect9_theBatchLedgerIsBounded_andStillRecognisesRecentRetries() throws IOException {
        LocalLogStore store = store(LocalLogStore.Options.defaults().withBatchWindow(10));
        for (int b = 0; b < 55; b++) {
            store.append("job", "batch-" + b, List.of(out("s", "line " + b)));
        }

        assertThat(Files.readAllLines(dir.resolve("logs/job.batches"))).as("at most twice the window").hasSizeLessThanOrEqualTo(20);
        assertThat(store.append("job", "batch-54", List.of(out("s", "line 54"))).duplicate()).isTrue();
        assertThat(store.append("job", "batch-46", List.of(out("s", "line 46"))).duplicate()).isTrue();
        store.close();
        LocalLogStore restarted = store(LocalLogStore.Options.defaults().withBatchWindow(10));
        assertThat(restarted.append("job", "batch-50", List.of(out("s", "line 50"))).duplicate()).isTrue();
        assertThat(restarted.lineCount("job")).isEqualTo(55);
    }

    @Test
    void partlyWrittenBatchIsRemovedSoItsRetryWritesItWhole() throws IOException {
        LocalLogStore before = store();
        before.append("job", "b1", batch("s", "one", 2));
        byte[] second = codec.encode(batch("s", "two", 4));
        before.append("job", "b2", batch("s", "two", 4));
        Path file = dir.resolve("logs/job.jsonl");
        // simulate a kill during the write of b2: only its first two whole lines made it
        long size = Files.size(file);
        int keep = new String(second, StandardCharsets.UTF_8).indexOf('\n', new String(second, StandardCharsets.UTF_8).indexOf('\n') + 1) + 1;
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size - second.length + keep);
        }
        LocalLogStore after = store();
        // A read sees the whole lines on disk and changes nothing; the next append repairs.
        assertThat(after.lineCount("job")).isEqualTo(4);
        AppendResult retry = after.append("job", "b2", batch("s", "two", 4));
        assertThat(retry).isEqualTo(new AppendResult(2, 4, false));
        assertThat(fileLines(file)).extracting(l -> codec.decode(l).line())
                .containsExactly("one0", "one1", "two0", "two1", "two2", "two3");
    }

    @Test
    void listenerSeesEveryNewBatchInIndexOrderButNoDuplicates() {
        LocalLogStore store = store();
        List<String> events = new ArrayList<>();
        store.addListener((jobId, firstIndex, lines, jsonl) -> events.add(jobId + "@" + firstIndex + "x" + lines.size()
                + ":" + new String(jsonl, StandardCharsets.UTF_8).lines().count()));
        store.append("job", "b1", batch("s", "a", 2));
        store.append("job", "b1", batch("s", "a", 2));
        store.append("job", batch("s", "b", 3));
        assertThat(events).containsExactly("job@0x2:2", "job@2x3:3");
    }

    @Test
    void failingListenerDoesNotFailTheAppend() {
        LocalLogStore store = store();
        store.addListener((jobId, firstIndex, lines, jsonl) -> {
            throw new IllegalStateException("boom");
        });
        assertThat(store.append("job", List.of(out("s", "x")))).isEqualTo(new AppendResult(0, 1, false));
        assertThat(store.lineCount("job")).isEqualTo(1);
    }

    @Test
    void oddAndOneMegabyteLinesRoundTripThroughTheStore() {
        LocalLogStore store = store();
        StringBuilder sb = new StringBuilder();
        String[] pieces = {"quote \" ", "backslash \\ ", "ctrl \u0001\u001f\t\r ", "emoji 😀🎉 ", "é中 "};
        for (int i = 0; sb.length() < 1_000_000; i++) {
            sb.append(pieces[i % pieces.length]);
        }
        String big = sb.toString();
        String odd = "{\"not\":\"nested\"} \\n \u0000 \u2028 ✓";
        AppendResult r = store.append("job", List.of(out("s", odd), out("s", big), out("s", "after")));

        List<String> stored = TestLines.texts(drain(store.read("job", LogQuery.all())), codec);
        assertThat(r.count()).isEqualTo(stored.size()).isGreaterThan(3);
        assertThat(stored.get(0)).isEqualTo(odd);
        assertThat(stored.get(stored.size() - 1)).isEqualTo("after");
        List<String> pieces2 = stored.subList(1, stored.size() - 1);
        assertThat(pieces2.subList(1, pieces2.size())).allMatch(p -> p.startsWith(LineNormalizer.CONTINUATION_MARKER));
        String joined = pieces2.get(0) + pieces2.subList(1, pieces2.size()).stream()
                .map(p -> p.substring(LineNormalizer.CONTINUATION_MARKER.length())).reduce("", String::concat);
        assertThat(joined).isEqualTo(big);
        for (String line : fileLines(dir.resolve("logs/job.jsonl"))) {
            assertThat(codec.decode(line).line().getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(LineNormalizer.MAX_LINE_BYTES);
        }
    }

    @Test
    void listenerCallsForOneJobArriveInIndexOrderUnderConcurrentAppends() throws Exception {
        LocalLogStore store = store();
        List<long[]> calls = new ArrayList<>(); // guarded by the job's lock, which the store holds during calls
        store.addListener((jobId, firstIndex, lines, jsonl) -> calls.add(new long[] {firstIndex, lines.size()}));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                for (int b = 0; b < 100; b++) {
                    store.append("job", batch("s", "t" + thread + "b" + b + "-", 1 + b % 7));
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        long expectedNext = 0;
        for (long[] call : calls) {
            assertThat(call[0]).isEqualTo(expectedNext);
            expectedNext += call[1];
        }
        assertThat(expectedNext).isEqualTo(store.lineCount("job"));
    }

    @Test
    void closeKeepsTheLogAndLaterAppendsContinueIt() {
        LocalLogStore store = store();
        store.append("job", batch("s", "a", 2));
        store.close("job");
        assertThat(store.openHandleCount()).isZero();
        assertThat(store.append("job", List.of(out("s", "late")))).isEqualTo(new AppendResult(2, 1, false));
    }

    @Test
    void deleteRemovesLogLegacyLogAndSidecars() throws IOException {
        LocalLogStore store = store();
        store.append("job", "b1", batch("s", "a", 2));
        Files.writeString(dir.resolve("logs/job.log"), "legacy\n");
        store.delete("job");
        try (Stream<Path> files = Files.list(dir.resolve("logs"))) {
            assertThat(files).isEmpty();
        }
        assertThat(store.lineCount("job")).isZero();
        assertThat(store.append("job", "b1", batch("s", "a", 2))).isEqualTo(new AppendResult(0, 2, false));
    }

    @Test
    void savedIndexOfALargeLogIsUsedAfterRestartAndStaysCorrect() {
        LocalLogStore store = store(LocalLogStore.Options.defaults().withIndexInterval(100));
        for (int b = 0; b < 40; b++) {
            store.append("big", batch("s", "b" + b + "-" + "y".repeat(200) + "-", 500));
        }
        store.close("big");
        assertThat(dir.resolve("logs/big.idx")).exists();
        store.append("big", List.of(out("s", "after close")));

        LocalLogStore restarted = store(LocalLogStore.Options.defaults().withIndexInterval(100));
        assertThat(restarted.lineCount("big")).isEqualTo(20_001);
        List<LogRecord> page = drain(restarted.read("big", LogQuery.all().withOffset(12_345).withLimit(2)));
        assertThat(page).extracting(LogRecord::index).containsExactly(12_345L, 12_346L);
        assertThat(codec.decode(page.get(0).text()).line()).startsWith("b24-").endsWith("-345");
    }
}
