package dev.stroem.jobs.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The durable state of every job's log, one row per job in {@code job_logs}, and all of its SQL.
 *
 * <pre>
 * live → finalising → complete                        (no archive configured)
 *                   → archiving → archived            (upload of the latest generation done)
 *                               → failing → archiving (retried with backoff)
 *                               → missing             (nothing to upload; retried later)
 * </pre>
 *
 * A line written after finalisation bumps {@code generation} and the log goes back to
 * {@code archiving} ({@code failing} keeps its backoff). An upload is claimed with a lease
 * ({@link #claimDue}: {@code FOR UPDATE SKIP LOCKED} on PostgreSQL), so one node works on a row
 * at a time and another takes over when the lease runs out; its outcome is recorded only while
 * the lease is still the claimer's. The key an upload wrote, prefix included, is recorded and
 * used from then on by reads, re-uploads and retention.
 *
 * <p>The transitions that go with a job's own (live → finalising → finalised) are made inside
 * {@link JobStore}'s transactions, through the static methods taking a {@link Handle}.
 */
public final class LogStateStore {
    private static final String COLUMNS = "state, generation, attempts, last_error, next_attempt_at, archive_key, "
            + "archived_at, archived_bytes, archived_lines, archived_generation, lease_owner, lease_until";
    private static final String NOT_FINALISED = "('live', 'finalising')";
    private static final String UPLOAD_DUE = "('archiving', 'failing', 'missing')";

    private final Database db;

    public LogStateStore(Database db) {
        this.db = db;
    }

    /** An upload claimed by {@link #claimDue}: the generation it is for, and the key recorded earlier (or null). */
    public record Claim(String jobId, long generation, int attempts, String archiveKey) {}

    // --- transitions inside the job's own transactions -----------------------------------------

    /**
     * The job row was just inserted: its log is live, or already complete for a job inserted
     * finalised (a trigger fire recorded as skipped has nothing left to write).
     */
    static void created(Handle h, String jobId) {
        h.createUpdate("INSERT INTO job_logs (job_id, state, generation, attempts) SELECT job_id, "
                        + "CASE WHEN finalize_state = 'done' THEN 'complete' ELSE 'live' END, 0, 0 FROM jobs WHERE job_id = :job")
                .bind("job", jobId)
                .execute();
    }

    static void finalising(Handle h, String jobId) {
        h.createUpdate("INSERT INTO job_logs (job_id, state, generation, attempts) VALUES (:job, 'finalising', 0, 0) "
                        + "ON CONFLICT (job_id) DO UPDATE SET state = 'finalising'")
                .bind("job", jobId)
                .execute();
    }

    /** Hooks fired: the log is complete, or due for archival when an archive is configured. */
    static void finalised(Handle h, String jobId, boolean archive, Instant now) {
        h.createUpdate("INSERT INTO job_logs (job_id, state, generation, attempts, next_attempt_at) "
                        + "VALUES (:job, :state, :gen, 0, :now) ON CONFLICT (job_id) DO UPDATE SET state = :state, "
                        + "generation = job_logs.generation + :gen, next_attempt_at = :now")
                .bind("job", jobId)
                .bind("state", archive ? LogState.ARCHIVING : LogState.COMPLETE)
                .bind("gen", archive ? 1 : 0)
                .bind("now", now.toEpochMilli())
                .execute();
    }

    /** SQL condition: the log of the job row aliased {@code jobs} is not waiting for an upload. */
    static String noUploadPending() {
        return "NOT EXISTS (SELECT 1 FROM job_logs l WHERE l.job_id = jobs.job_id AND l.state IN ('archiving', 'failing'))";
    }

    // --- reads ------------------------------------------------------------------------------------

    public Optional<LogState> find(String jobId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM job_logs WHERE job_id = :job")
                .bind("job", jobId)
                .map(mapper())
                .findOne());
    }

    /** True once the job's hooks fired and its archival (if any) was requested: later lines mean a re-upload. */
    public boolean isFinalised(String jobId) {
        return find(jobId).map(LogState::finalised).orElse(false);
    }

    /**
     * Whether nothing more will be written to the job's log: the job is finalised and so is every
     * hook job it fired (a failing hook reports on the parent's log when the hook job is finalised).
     */
    public boolean isLogComplete(String jobId) {
        return !completeAmong(List.of(jobId)).isEmpty();
    }

    /** Of {@code jobIds}, those whose log is complete ({@link #isLogComplete}), with the job's status. */
    public Map<String, String> completeAmong(Collection<String> jobIds) {
        if (jobIds.isEmpty()) {
            return Map.of();
        }
        return db.jdbi().withHandle(h -> {
            var out = new LinkedHashMap<String, String>();
            h.createQuery("SELECT j.job_id, j.status FROM jobs j JOIN job_logs l ON l.job_id = j.job_id "
                            + "WHERE j.job_id IN (<ids>) AND l.state NOT IN " + NOT_FINALISED
                            + " AND NOT EXISTS (SELECT 1 FROM jobs hook JOIN job_logs hl ON hl.job_id = hook.job_id "
                            + "WHERE hook.source_type = 'hook' AND hook.source_id = j.job_id AND hl.state IN "
                            + NOT_FINALISED + ")")
                    .bindList("ids", List.copyOf(jobIds))
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        });
    }

    /** Uploads waiting or retrying: the queue depth metric. */
    public long pendingUploads() {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM job_logs WHERE state IN ('archiving', 'failing')")
                .mapTo(Long.class)
                .one());
    }

    // --- archival ---------------------------------------------------------------------------------

    /**
     * A line was written after the job was finalised: when an archive is configured, its log must
     * be uploaded again. Safe to repeat (each call only asks for one more upload).
     *
     * @return true when a new upload was requested
     */
    public boolean requestUpload(String jobId, Instant now) {
        // A failing upload keeps its backoff: a burst of late lines must not hammer a down archive.
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE job_logs SET generation = generation + 1, "
                        + "state = CASE WHEN state = 'failing' THEN 'failing' ELSE 'archiving' END, "
                        + "next_attempt_at = CASE WHEN state = 'failing' THEN next_attempt_at ELSE :now END "
                        + "WHERE job_id = :job AND state IN ('archiving', 'archived', 'failing', 'missing')")
                .bind("job", jobId)
                .bind("now", now.toEpochMilli())
                .execute()) == 1;
    }

    /**
     * Claims up to {@code limit} due uploads for {@code owner} until {@code now + lease}, oldest
     * first; rows another node holds a live lease on are passed over.
     */
    public List<Claim> claimDue(String owner, Instant now, Duration lease, int limit) {
        return db.jdbi().inTransaction(h -> {
            var due = h.createQuery("SELECT job_id, generation, attempts, archive_key FROM job_logs WHERE state IN "
                            + UPLOAD_DUE + " AND next_attempt_at <= :now AND (lease_until IS NULL OR lease_until < :now) "
                            + "ORDER BY next_attempt_at, job_id LIMIT :limit" + db.dialect().skipLocked())
                    .bind("now", now.toEpochMilli())
                    .bind("limit", limit)
                    .map((rs, ctx) -> new Claim(rs.getString(1), rs.getLong(2), rs.getInt(3), rs.getString(4)))
                    .list();
            for (var claim : due) {
                h.createUpdate("UPDATE job_logs SET lease_owner = :owner, lease_until = :until WHERE job_id = :job")
                        .bind("owner", owner)
                        .bind("until", now.plus(lease).toEpochMilli())
                        .bind("job", claim.jobId())
                        .execute();
            }
            return due;
        });
    }

    /**
     * Records a successful upload of {@code generation} under {@code key}; a newer request keeps
     * the row due. False when {@code owner} no longer held the lease (the outcome is then not recorded).
     */
    public boolean markArchived(String jobId, String owner, long generation, String key, Long bytes, Long lines,
            Instant now) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE job_logs SET "
                        + "state = CASE WHEN generation = :gen THEN 'archived' ELSE 'archiving' END, "
                        + "next_attempt_at = :now, attempts = 0, last_error = NULL, archive_key = :key, "
                        + "archived_at = :now, archived_bytes = :bytes, archived_lines = :lines, "
                        + "archived_generation = :gen, lease_owner = NULL, lease_until = NULL "
                        + "WHERE job_id = :job AND lease_owner = :owner")
                .bind("gen", generation)
                .bind("now", now.toEpochMilli())
                .bind("key", key)
                .bind("bytes", bytes)
                .bind("lines", lines)
                .bind("job", jobId)
                .bind("owner", owner)
                .execute()) == 1;
    }

    /**
     * Records a failed upload ({@code failing}) or one that found nothing to upload
     * ({@code missing}): counted, its error kept, retried at {@code nextAttemptAt}.
     */
    public boolean markFailed(String jobId, String owner, boolean missing, String error, Instant nextAttemptAt) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE job_logs SET state = :state, attempts = attempts + 1, "
                        + "last_error = :error, next_attempt_at = :next, lease_owner = NULL, lease_until = NULL "
                        + "WHERE job_id = :job AND lease_owner = :owner")
                .bind("state", missing ? LogState.MISSING : LogState.FAILING)
                .bind("error", error)
                .bind("next", nextAttemptAt.toEpochMilli())
                .bind("job", jobId)
                .bind("owner", owner)
                .execute()) == 1;
    }

    private static RowMapper<LogState> mapper() {
        return (rs, ctx) -> new LogState(
                rs.getString("state"),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                instant(rs, "next_attempt_at"),
                rs.getString("archive_key"),
                instant(rs, "archived_at"),
                nullableLong(rs, "archived_bytes"),
                nullableLong(rs, "archived_lines"),
                rs.getLong("generation"),
                nullableLong(rs, "archived_generation"),
                rs.getString("lease_owner"),
                instant(rs, "lease_until"));
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
