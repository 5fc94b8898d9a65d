package dev.stroem.logs.replica;

import dev.stroem.jobs.store.LogChunkStore;
import dev.stroem.logs.AppendResult;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogAppender;
import dev.stroem.logs.LogLine;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a job's lines when several replicas share one PostgreSQL: the batch is checked, normalized
 * and encoded as the local store would write it, then stored as the job's next chunk in the shared
 * database, together with its batch id, in one transaction. That commit is the acknowledgement:
 * from then on every replica can read the lines, and a retry of the batch id, sent to any replica,
 * gets the first chunk's position back. Afterwards the lines are copied to this replica's local
 * file (a failure there is logged; the local copy catches up at the next read) and the other
 * replicas are told.
 */
public final class ChunkedAppender implements LogAppender {
    private static final Logger log = LoggerFactory.getLogger(ChunkedAppender.class);

    private final LocalLogStore store;
    private final LogChunkStore chunks;
    private final ChunkFollower follower;
    private final ChunkHintPublisher hints;

    public ChunkedAppender(LocalLogStore store, LogChunkStore chunks, ChunkFollower follower, ChunkHintPublisher hints) {
        this.store = store;
        this.chunks = chunks;
        this.follower = follower;
        this.hints = hints;
    }

    @Override
    public AppendResult append(String jobId, String batchId, List<LogLine> lines) {
        var prepared = store.prepare(jobId, batchId, lines);
        if (prepared.lines().isEmpty()) {
            return new AppendResult(0, 0, false);
        }
        // Server events without an id may repeat by design; each is then a chunk of its own.
        String id = batchId != null ? batchId : "server-" + UUID.randomUUID();
        // Lines the local log holds from before chunks existed (an upgrade mid-job) keep their numbers.
        var appended = chunks.append(jobId, id, prepared.lines().size(),
                new String(prepared.jsonl(), StandardCharsets.UTF_8), store.lineCount(jobId));
        var chunk = appended.chunk();
        try {
            long have = 0;
            if (!appended.duplicate()) {
                // Chunks other replicas stored before this one come first: copy those, then write this
                // one's lines as prepared here, rather than read it back from the database.
                if (store.lineCount(jobId) < chunk.firstLine()) {
                    follower.catchUpTo(jobId, chunk.firstLine());
                }
                have = store.appendAt(jobId, chunk.firstLine(), prepared.lines(), prepared.jsonl());
            }
            if (have < chunk.endLine()) {
                // A retry, or the copy above could not finish: copy in order from the shared log.
                follower.catchUp(jobId);
            }
        } catch (RuntimeException e) {
            log.warn("job {}: chunk {} is stored, but the local log could not be written yet: {}", jobId, chunk.seq(),
                    e.toString());
        }
        if (!appended.duplicate()) {
            hints.chunkAdded(jobId);
        }
        return new AppendResult(chunk.firstLine(), chunk.lineCount(), appended.duplicate());
    }
}
