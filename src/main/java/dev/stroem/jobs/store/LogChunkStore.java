package dev.stroem.jobs.store;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * A job's acknowledged log batches as chunks in the shared database ({@code log_chunks}), the
 * source every replica reads a running job's log from (issue 12). All of its SQL is here.
 *
 * <p>{@link #append} stores a batch and records its batch id in one transaction: a batch is
 * acknowledged only once its chunk is committed, and a retried batch id (a worker that did not
 * hear the answer, possibly from another replica) gets the chunk stored the first time instead of
 * a second one. A job's chunks are numbered {@code 1, 2, 3, …} without gaps and their line ranges
 * are contiguous from line 0: a chunk's number is part of the primary key, so of two replicas
 * appending to one job at once one stores its chunk and the other numbers its own again after it
 * (SQLite serialises every writer anyway). Readers catch up by sequence ({@link #after}); a missed
 * wake-up hint costs latency, never lines.
 */
public final class LogChunkStore {
    /** An insert that keeps losing the race for the job's next sequence gives up after this many tries. */
    private static final int MAX_ATTEMPTS = 1_000;
    private static final String UNIQUE_VIOLATION = "23505";

    private final Database db;

    public LogChunkStore(Database db) {
        this.db = db;
    }

    /** One stored batch: lines {@code [firstLine, firstLine + lineCount)} of the job's log. */
    public record Chunk(String jobId, long seq, long firstLine, int lineCount, String batchId, String jsonl) {
        /** The index of the line after this chunk's last one. */
        public long endLine() {
            return firstLine + lineCount;
        }
    }

    /** The chunk a batch is stored as, and whether it had been stored before (a retry). */
    public record Appended(Chunk chunk, boolean duplicate) {}

    /**
     * Stores a batch of {@code lineCount} JSONL lines as the job's next chunk, or returns the chunk
     * stored earlier under {@code batchId}.
     *
     * @throws IllegalArgumentException when the batch holds no line or its text does not end a line
     */
    public Appended append(String jobId, String batchId, int lineCount, String jsonl) {
        return append(jobId, batchId, lineCount, jsonl, 0);
    }

    /**
     * {@link #append(String, String, int, String)}, where the job's first chunk starts at line
     * {@code firstLineOfFirstChunk} rather than 0: the lines before it were written before chunks
     * existed (a job running while its server was upgraded) and are numbered by the local log.
     */
    public Appended append(String jobId, String batchId, int lineCount, String jsonl, long firstLineOfFirstChunk) {
        if (lineCount <= 0 || jsonl.isEmpty() || jsonl.charAt(jsonl.length() - 1) != '\n') {
            throw new IllegalArgumentException("a chunk holds at least one whole JSONL line");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return insertOrFind(jobId, batchId, lineCount, jsonl, firstLineOfFirstChunk);
            } catch (UnableToExecuteStatementException e) {
                if (!sequenceTaken(e) || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                // Another replica stored the job's next chunk meanwhile: number this one after it.
            }
        }
    }

    private Appended insertOrFind(String jobId, String batchId, int lineCount, String jsonl, long firstLineOfFirstChunk) {
        return db.jdbi().withHandle(h -> {
            // One statement, committed on its own: it numbers the chunk after the last one it sees and
            // stores it, or stores nothing for a known batch id. Two replicas appending to one job at
            // once may number their chunks alike; the primary key (job_id, seq) lets one win and the
            // other fails and tries again, so a batch costs one round trip and one commit.
            Optional<long[]> stored = h.createQuery("INSERT INTO log_chunks (job_id, seq, first_line, line_count, batch_id, jsonl) "
                            + "SELECT :job, COALESCE(MAX(seq), 0) + 1, COALESCE(MAX(first_line + line_count), :floor), "
                            + ":count, :batch, :jsonl FROM log_chunks WHERE job_id = :job "
                            + "ON CONFLICT (job_id, batch_id) DO NOTHING RETURNING seq, first_line")
                    .bind("job", jobId)
                    .bind("floor", firstLineOfFirstChunk)
                    .bind("count", lineCount)
                    .bind("batch", batchId)
                    .bind("jsonl", jsonl)
                    .map((rs, ctx) -> new long[] {rs.getLong("seq"), rs.getLong("first_line")})
                    .findOne();
            if (stored.isPresent()) {
                return new Appended(new Chunk(jobId, stored.get()[0], stored.get()[1], lineCount, batchId, jsonl), false);
            }
            Chunk earlier = h.createQuery("SELECT " + COLUMNS + " FROM log_chunks WHERE job_id = :job AND batch_id = :batch")
                    .bind("job", jobId)
                    .bind("batch", batchId)
                    .map((rs, ctx) -> chunk(rs))
                    .one();
            return new Appended(earlier, true);
        });
    }

    /** Whether the insert lost the race for its sequence number (a unique violation other than the batch id's). */
    private static boolean sequenceTaken(UnableToExecuteStatementException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                // 23505: PostgreSQL's unique_violation; SQLite serialises writers and never gets here.
                return UNIQUE_VIOLATION.equals(sql.getSQLState());
            }
        }
        return false;
    }

    /** Up to {@code limit} of the job's chunks after sequence {@code afterSeq}, in order. */
    public List<Chunk> after(String jobId, long afterSeq, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM log_chunks "
                        + "WHERE job_id = :job AND seq > :after ORDER BY seq LIMIT :limit")
                .bind("job", jobId)
                .bind("after", afterSeq)
                .bind("limit", limit)
                .map((rs, ctx) -> chunk(rs))
                .list());
    }

    /**
     * Up to {@code limit} of the job's chunks that end after line {@code line} (the first may
     * start before it), in order: what a copy holding {@code line} lines lacks.
     */
    public List<Chunk> endingAfter(String jobId, long line, int limit) {
        return endingAfter(jobId, line, Long.MAX_VALUE, limit);
    }

    /**
     * {@link #endingAfter(String, long, int)}, only the chunks that start before line {@code until}:
     * what a copy holding {@code line} lines lacks before a chunk starting at {@code until}, which
     * the caller has at hand (a replica writing the chunk it just stored need not read it back).
     */
    public List<Chunk> endingAfter(String jobId, long line, long until, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM log_chunks "
                        + "WHERE job_id = :job AND first_line + line_count > :line AND first_line < :until "
                        + "ORDER BY first_line + line_count LIMIT :limit")
                .bind("job", jobId)
                .bind("line", line)
                .bind("until", until)
                .bind("limit", limit)
                .map((rs, ctx) -> chunk(rs))
                .list());
    }

    /**
     * Deletes the job's chunks whose lines all lie below {@code line} (an archive holding the
     * log's first {@code line} lines is recorded), except the job's last chunk: it stays as the
     * anchor that numbers a later line (one written after the archive) after the archived ones.
     * Returns how many were deleted.
     */
    public int deleteArchived(String jobId, long line) {
        return db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM log_chunks WHERE job_id = :job "
                        + "AND first_line + line_count <= :line "
                        + "AND seq < (SELECT MAX(seq) FROM log_chunks WHERE job_id = :job)")
                .bind("job", jobId)
                .bind("line", line)
                .execute());
    }

    /** Chunks stored for the job now (tests, health). */
    public long count(String jobId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM log_chunks WHERE job_id = :job")
                .bind("job", jobId)
                .mapTo(Long.class)
                .one());
    }

    /** The job's last chunk sequence, 0 when it has none. */
    public long lastSeq(String jobId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COALESCE(MAX(seq), 0) FROM log_chunks WHERE job_id = :job")
                .bind("job", jobId)
                .mapTo(Long.class)
                .one());
    }

    /**
     * Deletes the job's chunks up to and including {@code seq}: called once an archive holding
     * them is confirmed. Returns how many were deleted.
     */
    public int deleteThrough(String jobId, long seq) {
        return db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM log_chunks WHERE job_id = :job AND seq <= :seq")
                .bind("job", jobId)
                .bind("seq", seq)
                .execute());
    }

    private static final String COLUMNS = "job_id, seq, first_line, line_count, batch_id, jsonl";

    private static Chunk chunk(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Chunk(rs.getString("job_id"), rs.getLong("seq"), rs.getLong("first_line"), rs.getInt("line_count"),
                rs.getString("batch_id"), rs.getString("jsonl"));
    }
}
