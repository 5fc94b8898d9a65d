package dev.stroem.logs.replica;

import dev.stroem.jobs.store.LogChunkStore;
import dev.stroem.logs.AppendResult;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogAppender;
import dev.stroem.logs.LogLine;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a job's lines when several replicas share one PostgreSQL: the batch is checked, normalized
 * and encoded as the local store would write it, then stored as the job's next chunk in the shared
 * database, together with its batch id, in one transaction. That commit is the acknowledgement:
 * from then on every replica can read the lines, and a retry of the batch id, sent to any replica,
 * gets the first chunk's position back. Afterwards the lines go to this replica's local file when
 * it ends where the chunk starts, or when viewers follow the job here (after copying what other
 * replicas stored before it); otherwise the local file, a cache of the shared log, is caught up
 * at its next read. A failure there is logged: the local copy catches up at the next read. Then
 * the other replicas are told.
 */
public final class ChunkedAppender implements LogAppender {
    private static final Logger log = LoggerFactory.getLogger(ChunkedAppender.class);

    private final LocalLogStore store;
    private final LogChunkStore chunks;
    private final ChunkFollower follower;
    private final ChunkHintPublisher hints;
    private final Predicate<String> watchedHere;

    /**
     * @param watchedHere whether viewers follow a job live on this replica (their lines must not
     *                    wait for the next read)
     */
    public ChunkedAppender(LocalLogStore store, LogChunkStore chunks, ChunkFollower follower, ChunkHintPublisher hints,
            Predicate<String> watchedHere) {
        this.watchedHere = watchedHere;
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
            if (appended.duplicate()) {
                // A retry: its first attempt may have stopped before the local write.
                if (watchedHere.test(jobId)) {
                    follower.catchUp(jobId);
                }
            } else if (store.lineCount(jobId) == chunk.firstLine()) {
                // The local copy ends where this chunk starts (a job whose batches come here): write
                // its lines as prepared here rather than read them back from the database.
                store.appendAt(jobId, chunk.firstLine(), prepared.lines(), prepared.jsonl());
            } else if (watchedHere.test(jobId)) {
                // Viewers here want every line now: copy the chunks other replicas stored before this
                // one, then write this one.
                follower.catchUpTo(jobId, chunk.firstLine());
                if (store.appendAt(jobId, chunk.firstLine(), prepared.lines(), prepared.jsonl()) < chunk.endLine()) {
                    follower.catchUp(jobId);
                }
            }
            // Otherwise the local copy lags behind lines another replica stored and nobody watches the
            // job here: it stays a shorter prefix, which the next read here (or the archive upload)
            // catches up from the shared log. Copying on every batch would make each replica write
            // every line of every job, whoever reads it.
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
