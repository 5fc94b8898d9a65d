package dev.stroem.logs;

import static dev.stroem.logs.TestLines.at;
import static dev.stroem.logs.TestLines.drain;
import static dev.stroem.logs.TestLines.out;
import static dev.stroem.logs.TestLines.texts;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stroem.storage.LocalDirectoryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class JobLogReaderTest {

    @TempDir
    Path dir;

    private final JsonlCodec codec = new JsonlCodec();
    private LocalLogStore store;
    private LocalDirectoryStore archive;
    private LogArchiver archiver;
    private JobLogReader reader;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    private final JobLogRef running = new JobLogRef("job", "ws", "task", Instant.parse("2025-02-12T10:00:00Z"), false, null);
    private final JobLogRef ended = new JobLogRef("job", "ws", "task", Instant.parse("2025-02-12T10:00:00Z"), true, null);

    @BeforeEach
    void setUp() {
        store = new LocalLogStore(dir.resolve("logs"), LocalLogStore.Options.defaults(), codec);
        archive = new LocalDirectoryStore(dir.resolve("archive"));
        archiver = new LogArchiver(store, archive, "logs/");
        reader = readerWithSpill(1L << 20);
        logged.start();
        ((Logger) LoggerFactory.getLogger(JobLogReader.class)).addAppender(logged);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(JobLogReader.class)).detachAppender(logged);
    }

    private JobLogReader readerWithSpill(long threshold) {
        return new JobLogReader(store, archive, "logs/", new JobLogReader.MergeSettings(dir.resolve("spill"), threshold));
    }

    private record Result(LogSource source, List<String> texts) {}

    private Result read(JobLogReader r, JobLogRef ref, LogQuery q) {
        try (JobLogRead read = r.read(ref, q)) {
            return new Result(read.source(), texts(drain(read.cursor()), codec));
        }
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void defect6_afterArchivePrefixChanged_aJobArchivedBeforeIsReadFromItsRecordedKey() throws Exception {
        store.append("job", List.of(out("s", "archived under the old prefix")));
        ArchiveResult result = archiver.archive(ended);
        store.delete("job");
        var recorded = new JobLogRef("job", "ws", "task", ended.createdAt(), true, result.uncompressedBytes(),
                result.key(), result.lines());
        // The operator changed archive.prefix from logs/ to moved/.
        var afterChange = new JobLogReader(store, archive, "moved/", JobLogReader.MergeSettings.defaults());

        assertThat(read(afterChange, recorded, LogQuery.all()))
                .isEqualTo(new Result(LogSource.ARCHIVE, List.of("archived under the old prefix")));
    }

    @Test
    void defect11_theLineCountOfAnArchiveOnlyLog_comesFromItsRecord_withoutReadingTheArchive() {
        store.append("job", List.of(out("s", "a"), out("s", "b"), out("s", "c")));
        ArchiveResult result = archiver.archive(ended);
        store.delete("job");
        var recorded = new JobLogRef("job", "ws", "task", ended.createdAt(), true, result.uncompressedBytes(),
                result.key(), result.lines());
        var opens = new java.util.concurrent.atomic.AtomicInteger();
        var counting = new dev.stroem.storage.ObjectStore() {
            @Override
            public void put(String key, ContentWriter content) {
                archive.put(key, content);
            }

            @Override
            public java.util.Optional<java.io.InputStream> open(String key) {
                opens.incrementAndGet();
                return archive.open(key);
            }

            @Override
            public void delete(String key) {
                archive.delete(key);
            }

            @Override
            public String describe() {
                return archive.describe();
            }
        };
        var r = new JobLogReader(store, counting, "logs/", JobLogReader.MergeSettings.defaults());

        // What skip_backfill=true on a finished job asks: where does the log end, then everything from there.
        assertThat(r.lineCount(recorded)).isEqualTo(3);
        assertThat(read(r, recorded, LogQuery.all().withOffset(3)).texts()).isEmpty();
        assertThat(opens).as("archive reads").hasValue(0);
        assertThat(read(r, recorded, LogQuery.all().withOffset(2)).texts()).containsExactly("c");
    }

    @Test
    void noLogAnywhereReadsEmptyWithSourceNone() {
        assertThat(read(reader, ended, LogQuery.all())).isEqualTo(new Result(LogSource.NONE, List.of()));
        assertThat(read(new JobLogReader(store), running, LogQuery.all())).isEqualTo(new Result(LogSource.NONE, List.of()));
    }

    @Test
    void runningJobReadsItsLocalLog() {
        store.append("job", List.of(out("s", "a"), out("s", "b")));
        assertThat(read(reader, running, LogQuery.all())).isEqualTo(new Result(LogSource.LOCAL, List.of("a", "b")));
    }

    @Test
    void legacyLogFileIsReadVerbatimAndOnlyByUnfilteredReads() throws Exception {
        Files.writeString(dir.resolve("logs/job.log"), "plain line one\n{\"not\":\"jsonl\"}\nlast line without newline");
        try (JobLogRead read = reader.read(ended, LogQuery.all())) {
            assertThat(read.source()).isEqualTo(LogSource.LOCAL);
            assertThat(drain(read.cursor())).extracting(LogRecord::text)
                    .containsExactly("plain line one", "{\"not\":\"jsonl\"}", "last line without newline");
        }
        try (JobLogRead read = reader.read(ended, LogQuery.all().withStep("s"))) {
            assertThat(drain(read.cursor())).isEmpty();
        }
        try (JobLogRead read = reader.read(ended, LogQuery.all().withTail(1))) {
            assertThat(drain(read.cursor())).extracting(LogRecord::index).containsExactly(2L);
        }
    }

    @Test
    void archiveIsReadWhenTheLocalLogIsGone() {
        store.append("job", List.of(out("build", "compiling"), out("test", "testing"), out("build", "done")));
        ArchiveResult archived = archiver.archive(ended);
        store.delete("job");

        JobLogRef ref = ended.archived(archived.uncompressedBytes());
        assertThat(read(reader, ref, LogQuery.all()))
                .isEqualTo(new Result(LogSource.ARCHIVE, List.of("compiling", "testing", "done")));
        assertThat(read(reader, ref, LogQuery.all().withStep("build")).texts()).containsExactly("compiling", "done");
        assertThat(read(reader, ref, LogQuery.all().withTail(1)).texts()).containsExactly("done");
        assertThat(read(reader, ref, LogQuery.all().withOffset(1).withLimit(1)).texts()).containsExactly("testing");
    }

    @Test
    void archiveIsNotReadWhenItHoldsNothingTheLocalLogLacks() {
        store.append("job", List.of(at(1, LogStream.STDOUT, "s", "local")));
        ArchiveResult archived = archiver.archive(ended);
        // the archive object gains a line the local log lacks: only a read that opens it can show it
        putArchive(archived.key(), codec.encode(List.of(at(1, LogStream.STDOUT, "s", "local"), at(2, LogStream.STDOUT, "s", "archive only"))));

        assertThat(read(reader, ended.archived(archived.uncompressedBytes()), LogQuery.all()))
                .isEqualTo(new Result(LogSource.LOCAL, List.of("local")));
        assertThat(read(reader, ended, LogQuery.all()))
                .isEqualTo(new Result(LogSource.MERGED, List.of("local", "archive only")));
    }

    @Test
    void mergedReadIsTheUnionInTsOrderWithDuplicatesRemoved() {
        store.append("job", List.of(at(10, LogStream.STDOUT, "s", "first"), at(20, LogStream.STDOUT, "s", "second"),
                at(20, LogStream.STDOUT, "s", "second"))); // printed twice: two lines
        ArchiveResult archived = archiver.archive(ended);
        store.append("job", List.of(at(30, LogStream.STDERR, "_server", "[hooks] after archive")));

        Result r = read(reader, ended.archived(archived.uncompressedBytes()), LogQuery.all());
        assertThat(r).isEqualTo(new Result(LogSource.MERGED, List.of("first", "second", "second", "[hooks] after archive")));
        assertThat(read(reader, ended.archived(archived.uncompressedBytes()), LogQuery.all().withStep("_server")).texts())
                .containsExactly("[hooks] after archive");
    }

    @Test
    void mergedReadKeepsArchivedLinesWhenTheLocalLogWasLostAndStartedAgain() {
        store.append("job", List.of(at(10, LogStream.STDOUT, "s", "old 1"), at(20, LogStream.STDOUT, "s", "old 2")));
        ArchiveResult archived = archiver.archive(ended);
        store.delete("job");
        store.append("job", List.of(at(15, LogStream.STDERR, "_server", "[recovery] new"), at(40, LogStream.STDOUT, "s", "new 2")));

        assertThat(read(reader, ended.archived(archived.uncompressedBytes()), LogQuery.all()))
                .isEqualTo(new Result(LogSource.MERGED, List.of("old 1", "[recovery] new", "old 2", "new 2")));
    }

    @Test
    void mergedReadSortsInputsThatAreNotInTsOrder() {
        // parallel steps: lines arrive out of ts order
        store.append("job", List.of(at(50, LogStream.STDOUT, "a", "a50"), at(10, LogStream.STDOUT, "b", "b10"),
                at(30, LogStream.STDOUT, "a", "a30"), at(30, LogStream.STDOUT, "b", "b30")));
        ArchiveResult archived = archiver.archive(ended);
        store.append("job", List.of(at(20, LogStream.STDOUT, "b", "b20"), at(60, LogStream.STDOUT, "a", "a60")));

        assertThat(read(reader, ended.archived(archived.uncompressedBytes()), LogQuery.all()).texts())
                .containsExactly("b10", "b20", "a30", "b30", "a50", "a60");
    }

    @Test
    void largeUnsortedMergeSpillsToDiskAndCleansUp() throws Exception {
        int n = 5000;
        List<LogLine> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // a permutation of 0..n-1 as timestamps
            long ts = (i * 7919L) % n;
            lines.add(at(ts, LogStream.STDOUT, "s", "ts " + ts));
        }
        store.append("job", lines.subList(0, n / 2));
        ArchiveResult archived = archiver.archive(ended);
        store.append("job", lines.subList(n / 2, n));
        JobLogReader spilling = readerWithSpill(16 * 1024);

        try (JobLogRead read = spilling.read(ended.archived(archived.uncompressedBytes()), LogQuery.all())) {
            assertThat(read.source()).isEqualTo(LogSource.MERGED);
            try (Stream<Path> runs = Files.walk(dir.resolve("spill"))) {
                // ~70 runs were written; more than the merge fan-in, so they were merged in two passes
                assertThat(runs.filter(p -> p.getFileName().toString().startsWith("run-")).count()).isGreaterThan(1);
            }
            List<String> texts = texts(drain(read.cursor()), codec);
            List<String> expected = new ArrayList<>();
            for (int ts = 0; ts < n; ts++) {
                expected.add("ts " + ts);
            }
            assertThat(texts).isEqualTo(expected);
        }
        try (Stream<Path> left = Files.list(dir.resolve("spill"))) {
            assertThat(left).as("spill files are deleted").isEmpty();
        }
    }

    @Test
    void garbageArchiveDegradesToTheLocalLogWithAWarning() {
        store.append("job", List.of(out("s", "local line")));
        String key = ArchiveKey.of("logs/", ended);
        putArchive(key, "this is not gzip at all".getBytes(StandardCharsets.UTF_8));

        assertThat(read(reader, ended, LogQuery.all())).isEqualTo(new Result(LogSource.LOCAL, List.of("local line")));
        assertThat(warnings()).anyMatch(w -> w.contains(key) && w.contains("local log only"));
    }

    @Test
    void truncatedGzipArchiveDegradesToTheLocalLog() throws Exception {
        List<LogLine> lines = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            lines.add(at(i, LogStream.STDOUT, "s", "line " + i + " " + Math.random()));
        }
        store.append("job", lines);
        ArchiveResult archived = archiver.archive(ended);
        byte[] full;
        try (var in = archive.open(archived.key()).orElseThrow()) {
            full = in.readAllBytes();
        }
        putRaw(archived.key(), Arrays.copyOf(full, full.length / 2));
        store.append("job", List.of(at(5000, LogStream.STDOUT, "s", "after")));

        Result r = read(reader, ended.archived(archived.uncompressedBytes()), LogQuery.all());
        assertThat(r.source()).isEqualTo(LogSource.LOCAL);
        assertThat(r.texts()).hasSize(2001).endsWith("after");
        assertThat(warnings()).isNotEmpty();
    }

    @Test
    void archiveWithLinesThatAreNotJsonDegradesToTheLocalLog() {
        store.append("job", List.of(out("s", "local line")));
        putArchive(ArchiveKey.of("logs/", ended), "{\"ts\":\"2025-02-12T10:56:45.000Z\",\"line\":\"ok\"}\nnot json\n".getBytes(StandardCharsets.UTF_8));
        assertThat(read(reader, ended, LogQuery.all())).isEqualTo(new Result(LogSource.LOCAL, List.of("local line")));
        assertThat(warnings()).isNotEmpty();
    }

    @Test
    void corruptArchiveWithoutLocalLogReadsEmpty() {
        putArchive(ArchiveKey.of("logs/", ended), new byte[0]);
        putRaw(ArchiveKey.of("logs/", ended), "garbage".getBytes(StandardCharsets.UTF_8));
        assertThat(read(reader, ended, LogQuery.all())).isEqualTo(new Result(LogSource.NONE, List.of()));
        assertThat(warnings()).isNotEmpty();
    }

    private void putArchive(String key, byte[] uncompressed) {
        archive.put(key, out -> {
            GZIPOutputStream gz = new GZIPOutputStream(out);
            gz.write(uncompressed);
            gz.finish();
        });
    }

    private void putRaw(String key, byte[] bytes) {
        archive.put(key, out -> out.write(bytes));
    }
}
