package dev.stroem.logs.replica;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.cluster.InProcessHints;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.store.Database;
import dev.stroem.jobs.store.JobStore;
import dev.stroem.jobs.store.LogChunkStore;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas' appenders over one shared chunk store (SQLite here; the same classes run on
 * PostgreSQL in ReplicasPostgresIT), each with its own local log directory: a worker's batches
 * spread over both, as a load balancer would send them.
 */
class ChunkedAppenderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    private Database db;
    private final List<AutoCloseable> open = new ArrayList<>();

    /** One replica's log side: its files, its follower and its appender. */
    private record Replica(LocalLogStore store, ChunkFollower follower, ChunkedAppender appender, SimpleMeterRegistry metrics,
            Path logs) {
        double copiedFromChunks() {
            return metrics.get("stroem_log_replica_lines_copied").tag("from", "chunks").counter().count();
        }
    }

    @BeforeEach
    void openDatabase() {
        db = Database.open("sqlite:" + dir.resolve("stroem.db"));
        new JobStore(db, JSON).createJob(new Job("j1", "default", "t", JobStatus.RUNNING, Map.of(), Job.SOURCE_API, null,
                null, null, null, null, T0, null, null), List.of());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        db.close();
    }

    /** A replica where viewers follow job j1 live, or where nobody does. */
    private Replica replica(String name, boolean viewersFollowJob) {
        Path logs = dir.resolve("logs-" + name);
        var store = new LocalLogStore(logs);
        var metrics = new SimpleMeterRegistry();
        var hints = new InProcessHints();
        var follower = new ChunkFollower(store, new LogChunkStore(db), null, job -> Optional.empty(), metrics);
        var publisher = new ChunkHintPublisher(hints).start();
        open.addAll(List.of(store, hints, follower, publisher));
        var appender = new ChunkedAppender(store, new LogChunkStore(db), follower, publisher, job -> viewersFollowJob);
        return new Replica(store, follower, appender, metrics, logs);
    }

    private static List<LogLine> batch(String prefix, int n) {
        var lines = new ArrayList<LogLine>();
        for (int i = 0; i < n; i++) {
            lines.add(new LogLine(T0, LogStream.STDOUT, "only", prefix + i));
        }
        return lines;
    }

    private static List<String> texts(Path jsonl) throws Exception {
        var out = new ArrayList<String>();
        for (String line : Files.readAllLines(jsonl)) {
            out.add(JSON.readTree(line).path("line").asText());
        }
        return out;
    }

    @Test
    void batchesSpreadOverTwoReplicasWithViewers_bothFilesHoldTheWholeLogInOrder_andEachCopiesOnlyTheOthersLines()
            throws Exception {
        Replica a = replica("a", true);
        Replica b = replica("b", true);
        var heardOnB = new ArrayList<String>();
        b.store().addListener((jobId, first, lines, jsonl) -> {
            for (int i = 0; i < lines.size(); i++) {
                heardOnB.add((first + i) + ":" + lines.get(i).line());
            }
        });

        var expected = new ArrayList<String>();
        for (int n = 0; n < 6; n++) {
            Replica to = n % 2 == 0 ? a : b;
            var result = to.appender().append("j1", "batch-" + n, batch("n" + n + "-", 3));
            assertThat(result.firstIndex()).isEqualTo(3L * n);
            for (int i = 0; i < 3; i++) {
                expected.add("n" + n + "-" + i);
            }
        }
        b.appender().append("j1", "batch-6", batch("last-", 2));
        a.appender().append("j1", "batch-1", batch("n1-", 3)); // a retry of b's batch, sent to a: nothing new
        expected.addAll(List.of("last-0", "last-1"));

        assertThat(texts(a.logs().resolve("j1.jsonl"))).containsExactlyElementsOf(expected);
        assertThat(texts(b.logs().resolve("j1.jsonl"))).containsExactlyElementsOf(expected);
        // a wrote batches 0, 2, 4 itself and copied b's 1, 3, 5 and 6; b copied a's 0, 2 and 4.
        assertThat(a.copiedFromChunks()).isEqualTo(3 * 3 + 2);
        assertThat(b.copiedFromChunks()).isEqualTo(3 * 3);
        // Listeners on b heard every line once, in order, with its number, copied ones decoded from the chunk.
        var numbered = new ArrayList<String>();
        for (int i = 0; i < expected.size(); i++) {
            numbered.add(i + ":" + expected.get(i));
        }
        assertThat(heardOnB).containsExactlyElementsOf(numbered);
    }

    @Test
    void withoutViewers_aReplicaCopiesNothingAtIngest_andItsFileIsCaughtUpWholeAtTheNextRead() throws Exception {
        Replica a = replica("a", false);
        Replica b = replica("b", false);
        var expected = new ArrayList<String>();
        for (int n = 0; n < 6; n++) {
            (n % 2 == 0 ? a : b).appender().append("j1", "batch-" + n, batch("n" + n + "-", 3));
            for (int i = 0; i < 3; i++) {
                expected.add("n" + n + "-" + i);
            }
        }

        // Ingest stored every batch in the shared log; the local files stay prefixes of it.
        assertThat(new LogChunkStore(db).count("j1")).isEqualTo(6);
        assertThat(texts(a.logs().resolve("j1.jsonl"))).containsExactly("n0-0", "n0-1", "n0-2");
        assertThat(b.store().lineCount("j1")).isZero();
        assertThat(a.copiedFromChunks()).isZero();
        assertThat(b.copiedFromChunks()).isZero();

        // A read on either replica catches its file up first: the whole log, in order.
        a.follower().catchUp("j1");
        b.follower().catchUp("j1");
        assertThat(texts(a.logs().resolve("j1.jsonl"))).containsExactlyElementsOf(expected);
        assertThat(texts(b.logs().resolve("j1.jsonl"))).containsExactlyElementsOf(expected);

        // From there on the file ends where the next chunk starts: it is written directly again.
        b.appender().append("j1", "batch-6", batch("last-", 2));
        expected.addAll(List.of("last-0", "last-1"));
        assertThat(texts(b.logs().resolve("j1.jsonl"))).containsExactlyElementsOf(expected);
        // b copied the 18 lines once, at the read; its own last batch was not read back.
        assertThat(b.copiedFromChunks()).isEqualTo(6 * 3);
    }

    @Test
    void aJobWhoseBatchesAllComeToOneReplica_isWrittenThereWithoutReadingTheSharedLog() throws Exception {
        Replica a = replica("a", false);
        var expected = new ArrayList<String>();
        for (int n = 0; n < 4; n++) {
            a.appender().append("j1", "batch-" + n, batch("n" + n + "-", 3));
            for (int i = 0; i < 3; i++) {
                expected.add("n" + n + "-" + i);
            }
        }
        assertThat(texts(a.logs().resolve("j1.jsonl"))).containsExactlyElementsOf(expected);
        assertThat(a.copiedFromChunks()).isZero();
    }
}
