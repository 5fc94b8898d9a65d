package dev.stroem.jobs.store;

import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.JobStep;
import dev.stroem.jobs.StepStatus;
import dev.stroem.jobs.Worker;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.jdbi.v3.core.mapper.RowMapper;

/** Row mappers of the job tables. */
final class JobRows {
    private final JsonColumns columns;
    private final StepControlColumns controls;

    JobRows(JsonColumns columns) {
        this.columns = columns;
        this.controls = new StepControlColumns(columns);
    }

    RowMapper<Job> job() {
        return (rs, ctx) -> new Job(
                rs.getString("job_id"),
                rs.getString("workspace"),
                rs.getString("task_name"),
                JobStatus.fromWireName(rs.getString("status")),
                columns.map(rs.getString("input")),
                rs.getString("source_type"),
                rs.getString("source_id"),
                rs.getString("hook_name"),
                nullableLong(rs, "timeout_secs"),
                rs.getString("error_message"),
                rs.getString("cancelled_by"),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "completed_at"),
                columns.map(rs.getString("raw_input")),
                rs.getString("source_job_id"),
                new dev.stroem.jobs.JobRetry(rs.getString("retry_of_job_id"), rs.getString("retry_job_id"),
                        rs.getInt("retry_attempt"), nullableInt(rs, "max_retries"), nullableLong(rs, "retry_backoff_secs"),
                        rs.getString("retry_strategy"), rs.getInt("retry_jitter") != 0, instant(rs, "retry_due_at")),
                rs.getString("revision"));
    }

    RowMapper<JobStep> step() {
        return (rs, ctx) -> new JobStep(
                rs.getString("job_id"),
                rs.getString("step_name"),
                rs.getInt("position"),
                rs.getString("action_name"),
                rs.getString("action_type"),
                columns.list(rs.getString("depends_on")),
                rs.getInt("continue_on_failure") != 0,
                nullableLong(rs, "timeout_secs"),
                columns.list(rs.getString("required_tags")),
                StepStatus.fromWireName(rs.getString("status")),
                rs.getString("worker_id"),
                instant(rs, "ready_at"),
                instant(rs, "claimed_at"),
                instant(rs, "started_at"),
                instant(rs, "completed_at"),
                nullableInt(rs, "exit_code"),
                rs.getString("error_message"),
                objectOutput(rs.getString("output")),
                columns.map(rs.getString("input")),
                controls.read(rs),
                owner(rs));
    }

    private static dev.stroem.jobs.ActionOwner owner(ResultSet rs) throws SQLException {
        String workspace = rs.getString("action_workspace");
        return workspace == null ? null : new dev.stroem.jobs.ActionOwner(workspace, rs.getString("action_revision"));
    }

    /** A loop placeholder's output is a list, read into its {@link dev.stroem.jobs.StepControl}. */
    private java.util.Map<String, Object> objectOutput(String text) {
        return text == null || text.startsWith("[") ? null : columns.map(text);
    }

    RowMapper<Worker> worker() {
        return (rs, ctx) -> new Worker(
                rs.getString("worker_id"),
                rs.getString("name"),
                columns.list(rs.getString("capabilities")),
                columns.list(rs.getString("tags")),
                rs.getString("version"),
                rs.getString("status"),
                instant(rs, "registered_at"),
                instant(rs, "last_heartbeat"),
                rs.getBoolean("exclusive"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return JsonColumns.instant(v, rs.wasNull());
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
