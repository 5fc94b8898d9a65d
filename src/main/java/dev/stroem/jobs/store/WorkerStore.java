package dev.stroem.jobs.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.Worker;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Registered workers and their heartbeats. */
public final class WorkerStore {
    private static final String COLUMNS =
            "worker_id, name, capabilities, tags, version, status, registered_at, last_heartbeat, exclusive";

    private final Database db;
    private final JsonColumns columns;
    private final JobRows rows;

    public WorkerStore(Database db, ObjectMapper json) {
        this.db = db;
        this.columns = new JsonColumns(json);
        this.rows = new JobRows(columns);
    }

    public void register(Worker worker) {
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO workers (" + COLUMNS + ") VALUES (:id, :name, "
                        + ":capabilities, :tags, :version, :status, :registered_at, :last_heartbeat, :exclusive)")
                .bind("id", worker.workerId())
                .bind("name", worker.name())
                .bind("capabilities", columns.write(worker.capabilities()))
                .bind("tags", columns.write(worker.tags()))
                .bind("version", worker.version())
                .bind("status", worker.status())
                .bind("registered_at", worker.registeredAt().toEpochMilli())
                .bind("last_heartbeat", worker.lastHeartbeat().toEpochMilli())
                .bind("exclusive", worker.exclusive())
                .execute());
    }

    /** Records a heartbeat and reactivates the worker; false when it is unknown. */
    public boolean heartbeat(String workerId, Instant now) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE workers SET last_heartbeat = :now, status = 'active' "
                        + "WHERE worker_id = :id")
                .bind("now", now.toEpochMilli())
                .bind("id", workerId)
                .execute()) == 1;
    }

    public Optional<Worker> find(String workerId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM workers WHERE worker_id = :id")
                .bind("id", workerId)
                .map(rows.worker())
                .findOne());
    }

    public List<Worker> list() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM workers ORDER BY registered_at")
                .map(rows.worker())
                .list());
    }

    /** Marks active workers silent since before {@code cutoff} inactive and returns them. */
    public List<Worker> deactivateSilentSince(Instant cutoff) {
        return db.jdbi().inTransaction(h -> {
            var stale = h.createQuery("SELECT " + COLUMNS + " FROM workers WHERE status = 'active' "
                            + "AND last_heartbeat < :cutoff")
                    .bind("cutoff", cutoff.toEpochMilli())
                    .map(rows.worker())
                    .list();
            for (var w : stale) {
                h.createUpdate("UPDATE workers SET status = 'inactive' WHERE worker_id = :id AND status = 'active' "
                                + "AND last_heartbeat < :cutoff")
                        .bind("id", w.workerId())
                        .bind("cutoff", cutoff.toEpochMilli())
                        .execute();
            }
            return stale;
        });
    }

    /** Deletes inactive workers silent since before {@code cutoff} (retention); returns how many. */
    public int deleteInactiveSilentSince(Instant cutoff) {
        return db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM workers WHERE status = 'inactive' "
                        + "AND last_heartbeat < :cutoff")
                .bind("cutoff", cutoff.toEpochMilli())
                .execute());
    }
}
