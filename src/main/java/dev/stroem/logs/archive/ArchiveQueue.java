package dev.stroem.logs.archive;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The durable archival queue (table {@code log_archives}): a job's log that must be archived,
 * or archived again because lines arrived after the last upload, has a row here until the
 * upload of its latest generation succeeded. Survives restarts and archive outages.
 *
 * <p>Every request bumps the row's generation; an upload records the generation it read, and
 * the row only becomes {@code archived} when no newer request came in meanwhile.
 */
public final class ArchiveQueue {
    private static final String COLUMNS = "job_id, state, generation, attempts, last_error, next_attempt_at, "
            + "archive_key, archived_at, archived_bytes, archived_generation";

    private final Jdbi jdbi;

    public ArchiveQueue(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A queued upload: which job, and the generation it is for. */
    public record Entry(String jobId, long generation, int attempts) {}

    /** Queues (or re-queues) a job's log, within the caller's transaction. */
    public static void request(Handle h, String jobId, Instant now) {
        // A failing upload keeps its backoff: a burst of late lines must not hammer a down archive.
        h.createUpdate("INSERT INTO log_archives (job_id, state, generation, attempts, next_attempt_at) "
                        + "VALUES (:job, 'pending', 1, 0, :now) ON CONFLICT (job_id) DO UPDATE SET "
                        + "generation = log_archives.generation + 1, "
                        + "state = CASE WHEN log_archives.state = 'failing' THEN 'failing' ELSE 'pending' END, "
                        + "next_attempt_at = CASE WHEN log_archives.state = 'failing' "
                        + "THEN log_archives.next_attempt_at ELSE excluded.next_attempt_at END")
                .bind("job", jobId)
                .bind("now", now.toEpochMilli())
                .execute();
    }

    /** Queues (or re-queues) a job's log in a transaction of its own. */
    public void request(String jobId, Instant now) {
        jdbi.useTransaction(h -> request(h, jobId, now));
    }

    /** Uploads whose time has come, oldest first. */
    public List<Entry> due(Instant now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT job_id, generation, attempts FROM log_archives "
                        + "WHERE state IN ('pending', 'failing') AND next_attempt_at <= :now "
                        + "ORDER BY next_attempt_at LIMIT :limit")
                .bind("now", now.toEpochMilli())
                .bind("limit", limit)
                .map((rs, ctx) -> new Entry(rs.getString("job_id"), rs.getLong("generation"), rs.getInt("attempts")))
                .list());
    }

    /** Records a successful upload of {@code generation}; a newer request keeps the row queued. */
    public void markArchived(String jobId, long generation, String key, Long archivedBytes, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE log_archives SET "
                        + "state = CASE WHEN generation = :gen THEN 'archived' ELSE 'pending' END, "
                        + "next_attempt_at = :now, attempts = 0, last_error = NULL, archive_key = :key, "
                        + "archived_at = :now, archived_bytes = :bytes, archived_generation = :gen WHERE job_id = :job")
                .bind("gen", generation)
                .bind("now", now.toEpochMilli())
                .bind("key", key)
                .bind("bytes", archivedBytes)
                .bind("job", jobId)
                .execute());
    }

    /** Records a failed upload: counted, its error kept, retried at {@code nextAttemptAt}. */
    public void markFailed(String jobId, String error, Instant nextAttemptAt) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE log_archives SET state = 'failing', attempts = attempts + 1, "
                        + "last_error = :error, next_attempt_at = :next WHERE job_id = :job")
                .bind("error", error)
                .bind("next", nextAttemptAt.toEpochMilli())
                .bind("job", jobId)
                .execute());
    }

    public Optional<ArchiveState> find(String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM log_archives WHERE job_id = :job")
                .bind("job", jobId)
                .map(stateMapper())
                .findOne());
    }

    /** Uploads waiting or retrying: the queue depth metric. */
    public long depth() {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM log_archives WHERE state IN ('pending', 'failing')")
                .mapTo(Long.class)
                .one());
    }

    private static RowMapper<ArchiveState> stateMapper() {
        return (rs, ctx) -> new ArchiveState(
                rs.getString("state"),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                instant(rs, "next_attempt_at"),
                rs.getString("archive_key"),
                instant(rs, "archived_at"),
                nullableLong(rs, "archived_bytes"),
                rs.getLong("generation"),
                nullableLong(rs, "archived_generation"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
