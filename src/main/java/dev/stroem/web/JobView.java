package dev.stroem.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.stroem.jobs.Job;
import java.time.Duration;
import java.time.Instant;

/**
 * A job as {@code GET /api/jobs} lists it: the original's list item (every documented key, null
 * where there is no value) plus our {@code hook_name}, {@code duration_secs} and
 * {@code error_message}. Times are RFC 3339 UTC instants ({@code 2025-02-10T12:00:01.123Z}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobView(
        @JsonProperty("job_id") String jobId,
        @JsonProperty("workspace") String workspace,
        @JsonProperty("task_name") String taskName,
        @JsonProperty("mode") String mode,
        @JsonProperty("status") String status,
        @JsonProperty("source_type") String sourceType,
        @JsonProperty("source_id") String sourceId,
        @JsonProperty("revision") String revision,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("completed_at") Instant completedAt,
        @JsonProperty("hook_name") String hookName,
        @JsonProperty("duration_secs") Double durationSecs,
        @JsonProperty("error_message") String errorMessage) {

    /** Every job runs on workers; the original's other mode (local, in the server) does not exist here. */
    static final String MODE = "distributed";

    /** The summary used in lists. */
    public static JobView summary(Job job) {
        return new JobView(job.jobId(), job.workspace(), job.taskName(), MODE, job.status().wireName(),
                job.sourceType(), job.sourceId(), job.revision(), job.createdAt(), job.startedAt(), job.completedAt(),
                job.hookName(), duration(job.startedAt(), job.completedAt()), job.errorMessage());
    }

    static Double duration(Instant start, Instant end) {
        if (start == null || end == null) {
            return null;
        }
        return Duration.between(start, end).toMillis() / 1000.0;
    }
}
