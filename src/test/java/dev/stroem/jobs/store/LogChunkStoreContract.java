package dev.stroem.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Log chunks in the shared database, run against each database we support: what every replica
 * reads a running job's log from must be gapless, ordered and exactly once.
 */
abstract class LogChunkStoreContract {
    Database db;
    /** A second server's view of the same database (its own pool), or the same one where only one server may run. */
    Database otherReplica;
    JobStore jobs;
    LogChunkStore chunks;

    abstract Database openDatabase();

    abstract Database openOtherReplica();

    abstract void closeDatabases();

    @BeforeEach
    void open() {
        db = openDatabase();
        otherReplica = openOtherReplica();
        jobs = new JobStore(db, new ObjectMapper());
        chunks = new LogChunkStore(db);
        jobs.createJob(new Job("j1", "default", "t", JobStatus.RUNNING, Map.of(), Job.SOURCE_API, null, null, null, null,
                null, Instant.parse("2026-12-01T10:00:00Z"), null, null), List.of());
    }

    @AfterEach
    void close() {
        closeDatabases();
    }

    private static String lines(String prefix, int n) {
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"ts\":\"2026-12-01T10:00:00.000Z\",\"stream\":\"stdout\",\"step\":\"s\",\"line\":\"")
                    .append(prefix).append(i).append("\"}\n");
        }
        return sb.toString();
    }

    @Test
    void batchesGetConsecutiveSequencesAndContiguousLineRanges_readBackInOrder() {
        var a = chunks.append("j1", "b-1", 3, lines("a", 3));
        var b = chunks.append("j1", "b-2", 2, lines("b", 2));
        var c = chunks.append("j1", "b-3", 1, lines("c", 1));

        assertThat(List.of(a.chunk().seq(), b.chunk().seq(), c.chunk().seq())).containsExactly(1L, 2L, 3L);
        assertThat(List.of(a.chunk().firstLine(), b.chunk().firstLine(), c.chunk().firstLine())).containsExactly(0L, 3L, 5L);
        assertThat(chunks.lastSeq("j1")).isEqualTo(3);
        assertThat(chunks.after("j1", 1, 10)).extracting(LogChunkStore.Chunk::jsonl)
                .containsExactly(lines("b", 2), lines("c", 1));
        assertThat(chunks.after("j1", 0, 2)).extracting(LogChunkStore.Chunk::seq).containsExactly(1L, 2L);
        assertThat(chunks.lastSeq("unknown")).isZero();
    }

    @Test
    void aRetriedBatchId_getsTheChunkStoredTheFirstTime_evenThroughAnotherReplica() {
        var first = chunks.append("j1", "b-1", 2, lines("a", 2));
        chunks.append("j1", "b-2", 1, lines("b", 1));

        var retried = new LogChunkStore(otherReplica).append("j1", "b-1", 2, lines("a", 2));

        assertThat(retried.duplicate()).isTrue();
        assertThat(retried.chunk()).isEqualTo(first.chunk());
        assertThat(chunks.after("j1", 0, 10)).hasSize(2);
    }

    @Test
    void aChunkMustHoldWholeLines_andABadOneChangesNothing() {
        assertThatThrownBy(() -> chunks.append("j1", "b", 0, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> chunks.append("j1", "b", 1, "{\"line\":\"cut")).isInstanceOf(IllegalArgumentException.class);
        assertThat(chunks.lastSeq("j1")).isZero();
    }

    @Test
    void twoReplicasAppendingToOneJobAtOnce_leaveNoGapNoOverlapAndEveryBatchOnce() throws Exception {
        var stores = List.of(chunks, new LogChunkStore(otherReplica));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            var futures = new ArrayList<Future<?>>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        // Every batch is sent twice, to alternating replicas: a worker retrying elsewhere.
                        String id = "t" + thread + "-" + i;
                        String text = lines(id + "-", 1 + i % 3);
                        stores.get(i % 2).append("j1", id, 1 + i % 3, text);
                        stores.get((i + 1) % 2).append("j1", id, 1 + i % 3, text);
                    }
                }));
            }
            for (var f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        var all = chunks.after("j1", 0, 1000);
        assertThat(all).hasSize(100);
        assertThat(all).extracting(LogChunkStore.Chunk::batchId).doesNotHaveDuplicates();
        long expectedLine = 0;
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).seq()).isEqualTo(i + 1);
            assertThat(all.get(i).firstLine()).isEqualTo(expectedLine);
            expectedLine = all.get(i).endLine();
        }
    }

    @Test
    void chunksCoveredByAConfirmedArchiveAreDeleted_theRestStay() {
        chunks.append("j1", "b-1", 1, lines("a", 1));
        chunks.append("j1", "b-2", 1, lines("b", 1));
        chunks.append("j1", "b-3", 1, lines("c", 1));

        assertThat(chunks.deleteThrough("j1", 2)).isEqualTo(2);

        assertThat(chunks.after("j1", 0, 10)).extracting(LogChunkStore.Chunk::seq).containsExactly(3L);
        // Numbering goes on after the deleted ones: a late line after archival is line 3, chunk 4.
        var late = chunks.append("j1", "b-4", 1, lines("d", 1));
        assertThat(late.chunk().seq()).isEqualTo(4);
        assertThat(late.chunk().firstLine()).isEqualTo(3);
    }

    @Test
    void chunksEndingAfterALine_areTheOnesACopyHoldingItLacks_andAnArchiveDeletesAllButTheLast() {
        chunks.append("j1", "b-1", 3, lines("a", 3));
        chunks.append("j1", "b-2", 2, lines("b", 2));
        chunks.append("j1", "b-3", 1, lines("c", 1));

        assertThat(chunks.endingAfter("j1", 0, 10)).extracting(LogChunkStore.Chunk::seq).containsExactly(1L, 2L, 3L);
        assertThat(chunks.endingAfter("j1", 4, 10)).extracting(LogChunkStore.Chunk::seq).containsExactly(2L, 3L);
        assertThat(chunks.endingAfter("j1", 3, 1)).extracting(LogChunkStore.Chunk::seq).containsExactly(2L);
        assertThat(chunks.endingAfter("j1", 6, 10)).isEmpty();
        // What a copy of 1 line lacks before the chunk starting at line 5 (its writer has that one at hand).
        assertThat(chunks.endingAfter("j1", 1, 5, 10)).extracting(LogChunkStore.Chunk::seq).containsExactly(1L, 2L);
        assertThat(chunks.endingAfter("j1", 3, 3, 10)).isEmpty();

        // An archive of the first 6 lines: every chunk it holds goes but the last, which numbers later lines.
        assertThat(chunks.deleteArchived("j1", 6)).isEqualTo(2);
        assertThat(chunks.count("j1")).isEqualTo(1);
        assertThat(chunks.append("j1", "b-4", 1, lines("d", 1)).chunk().firstLine()).isEqualTo(6);
        // An archive of only the first 3 lines keeps the chunks after them.
        assertThat(chunks.deleteArchived("j1", 3)).isZero();
    }

    @Test
    void aJobsFirstChunkMayStartAfterLinesWrittenBeforeChunksExisted() {
        var first = chunks.append("j1", "b-1", 2, lines("a", 2), 5);
        var second = chunks.append("j1", "b-2", 1, lines("b", 1), 99);

        assertThat(first.chunk().firstLine()).isEqualTo(5);
        assertThat(second.chunk().firstLine()).isEqualTo(7);
    }
}
