package dev.stroem.state;

import dev.stroem.jobs.store.Database;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** The {@code state_snapshots} table: all its SQL is here. */
public final class SnapshotStore {
    private static final String COLUMNS = "snapshot_id, workspace, task_name, job_id, storage_key, size_bytes, sha256, "
            + "state_json, created_at";
    private static final RowMapper<Snapshot> ROW = (rs, ctx) -> new Snapshot(rs.getString("snapshot_id"),
            rs.getString("workspace"), rs.getString("task_name"), rs.getString("job_id"), rs.getString("storage_key"),
            rs.getLong("size_bytes"), rs.getString("sha256"), rs.getString("state_json"),
            Instant.ofEpochMilli(rs.getLong("created_at")));

    private final Database db;

    public SnapshotStore(Database db) {
        this.db = db;
    }

    /** Records a snapshot as the newest of its scope (its object must be complete already). */
    public void insert(Snapshot s) {
        db.jdbi().useTransaction(h -> {
            long seq = h.createQuery("SELECT COALESCE(MAX(seq), 0) + 1 FROM state_snapshots WHERE workspace = :ws "
                            + "AND task_name = :task")
                    .bind("ws", s.workspace())
                    .bind("task", s.taskName())
                    .mapTo(Long.class)
                    .one();
            h.createUpdate("INSERT INTO state_snapshots (" + COLUMNS + ", seq) VALUES (:id, :ws, :task, :job, :key, :size, "
                            + ":sha, :state, :created, :seq)")
                    .bind("id", s.snapshotId())
                    .bind("ws", s.workspace())
                    .bind("task", s.taskName())
                    .bind("job", s.jobId())
                    .bind("key", s.storageKey())
                    .bind("size", s.sizeBytes())
                    .bind("sha", s.sha256())
                    .bind("state", s.stateJson())
                    .bind("created", s.createdAt().toEpochMilli())
                    .bind("seq", seq)
                    .execute();
        });
    }

    /** The scope's snapshots, newest first. */
    public List<Snapshot> newestFirst(String workspace, String taskName, int limit) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM state_snapshots WHERE workspace = :ws "
                        + "AND task_name = :task ORDER BY seq DESC LIMIT :limit")
                .bind("ws", workspace)
                .bind("task", taskName)
                .bind("limit", limit)
                .map(ROW)
                .list());
    }

    public Optional<Snapshot> find(String snapshotId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM state_snapshots WHERE snapshot_id = :id")
                .bind("id", snapshotId)
                .map(ROW)
                .findOne());
    }

    public Optional<Snapshot> latest(String workspace, String taskName) {
        return newestFirst(workspace, taskName, 1).stream().findFirst();
    }

    /** The scope's snapshots beyond the newest {@code keep}. */
    public List<Snapshot> beyond(String workspace, String taskName, int keep) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM state_snapshots WHERE workspace = :ws "
                        + "AND task_name = :task ORDER BY seq DESC LIMIT :all OFFSET :keep")
                .bind("all", Integer.MAX_VALUE)
                .bind("ws", workspace)
                .bind("task", taskName)
                .bind("keep", keep)
                .map(ROW)
                .list());
    }

    public void delete(String snapshotId) {
        db.jdbi().useHandle(h -> h.createUpdate("DELETE FROM state_snapshots WHERE snapshot_id = :id").bind("id", snapshotId)
                .execute());
    }
}
