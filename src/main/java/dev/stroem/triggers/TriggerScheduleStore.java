package dev.stroem.triggers;

import dev.stroem.jobs.store.Database;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code trigger_schedules} table, all of its SQL: each scheduler trigger's persisted next fire
 * time. A trigger is moved past a slot only by {@link #advance}, a compare-and-set on the slot, so
 * however many servers try, one of them moves it.
 */
final class TriggerScheduleStore {
    private final Database db;

    TriggerScheduleStore(Database db) {
        this.db = db;
    }

    /** One trigger's row. */
    record Row(String workspace, String trigger, String scheduleId, String cron, String timezone, Instant nextFireAt, Instant lastFireAt,
            String lastJobId) {}

    List<Row> all() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT workspace, trigger_name, schedule_id, cron, timezone, "
                        + "next_fire_at, last_fire_at, last_job_id FROM trigger_schedules")
                .map((rs, ctx) -> new Row(rs.getString("workspace"), rs.getString("trigger_name"),
                        rs.getString("schedule_id"), rs.getString("cron"),
                        rs.getString("timezone"), Instant.ofEpochMilli(rs.getLong("next_fire_at")),
                        instant(rs.getObject("last_fire_at")), rs.getString("last_job_id")))
                .list());
    }

    Optional<Row> find(String workspace, String trigger) {
        return all().stream().filter(r -> r.workspace().equals(workspace) && r.trigger().equals(trigger)).findFirst();
    }

    /** Schedules a trigger seen for the first time; a row another server inserted first wins. */
    void insert(String workspace, String trigger, String cron, String timezone, Instant next) {
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO trigger_schedules (workspace, trigger_name, schedule_id, "
                        + "cron, timezone, next_fire_at) VALUES (:ws, :name, :id, :cron, :tz, :next) "
                        + "ON CONFLICT (workspace, trigger_name) DO NOTHING")
                .bind("ws", workspace)
                .bind("id", java.util.UUID.randomUUID().toString())
                .bind("name", trigger)
                .bind("cron", cron)
                .bind("tz", timezone)
                .bind("next", next.toEpochMilli())
                .execute());
    }

    /** The trigger's cron or zone changed: its next fire time is recomputed from the new one. */
    void reschedule(String workspace, String trigger, String cron, String timezone, Instant next) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE trigger_schedules SET cron = :cron, timezone = :tz, "
                        + "next_fire_at = :next WHERE workspace = :ws AND trigger_name = :name")
                .bind("ws", workspace)
                .bind("name", trigger)
                .bind("cron", cron)
                .bind("tz", timezone)
                .bind("next", next.toEpochMilli())
                .execute());
    }

    /**
     * Moves the trigger from the slot {@code due} to {@code next}, recording the fire; false when the
     * trigger is no longer at {@code due} (another server moved it).
     */
    boolean advance(String workspace, String trigger, Instant due, Instant next, String jobId) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE trigger_schedules SET next_fire_at = :next, "
                        + "last_fire_at = :due, last_job_id = :job WHERE workspace = :ws AND trigger_name = :name "
                        + "AND next_fire_at = :due")
                .bind("ws", workspace)
                .bind("name", trigger)
                .bind("due", due.toEpochMilli())
                .bind("next", next.toEpochMilli())
                .bind("job", jobId)
                .execute()) == 1;
    }

    /** Forgets a trigger that was removed or disabled: when it comes back it is scheduled from then on. */
    void delete(String workspace, String trigger) {
        db.jdbi().useHandle(h -> h.createUpdate("DELETE FROM trigger_schedules WHERE workspace = :ws AND trigger_name = :name")
                .bind("ws", workspace)
                .bind("name", trigger)
                .execute());
    }

    private static Instant instant(Object millis) {
        return millis == null ? null : Instant.ofEpochMilli(((Number) millis).longValue());
    }
}
