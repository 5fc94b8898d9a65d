package dev.stroem.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStep;
import dev.stroem.jobs.store.LogState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON shape of a job in {@code GET /api/jobs} (summary) and {@code GET /api/jobs/{id}} (detail). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobView(
        @JsonProperty("job_id") String jobId,
        @JsonProperty("workspace") String workspace,
        @JsonProperty("task_name") String taskName,
        @JsonProperty("mode") String mode,
        @JsonProperty("status") String status,
        @JsonProperty("source_type") String sourceType,
        @JsonProperty("source_id") String sourceId,
        @JsonProperty("hook_name") String hookName,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("completed_at") Instant completedAt,
        @JsonProperty("duration_secs") Double durationSecs,
        @JsonProperty("error_message") String errorMessage,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("cancelled_by") String cancelledBy,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("input") Map<String, Object> input,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("steps") List<StepView> steps,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("archive") LogState archive,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("hook_jobs") List<JobView> hookJobs) {

    /** The summary used in lists. */
    public static JobView summary(Job job) {
        return new JobView(job.jobId(), job.workspace(), job.taskName(), "distributed", job.status().wireName(),
                job.sourceType(), job.sourceId(), job.hookName(), job.createdAt(), job.startedAt(), job.completedAt(),
                duration(job.startedAt(), job.completedAt()), job.errorMessage(), null, null, null, null, null);
    }

    /** The detail of {@code GET /api/jobs/{id}}. */
    public static JobView detail(Job job, List<JobStep> steps, LogState archive, List<Job> hookJobs) {
        return new JobView(job.jobId(), job.workspace(), job.taskName(), "distributed", job.status().wireName(),
                job.sourceType(), job.sourceId(), job.hookName(), job.createdAt(), job.startedAt(), job.completedAt(),
                duration(job.startedAt(), job.completedAt()), job.errorMessage(), job.cancelledBy(), job.input(),
                steps.stream().map(StepView::of).toList(), archive, hookJobs.stream().map(JobView::summary).toList());
    }

    static Double duration(Instant start, Instant end) {
        if (start == null || end == null) {
            return null;
        }
        return Duration.between(start, end).toMillis() / 1000.0;
    }

    /** One step of the job detail. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record StepView(
            @JsonProperty("step_name") String stepName,
            @JsonProperty("action_name") String actionName,
            @JsonProperty("action_type") String actionType,
            @JsonProperty("runner") String runner,
            @JsonProperty("status") String status,
            @JsonProperty("worker_id") String workerId,
            @JsonProperty("depends_on") List<String> dependsOn,
            @JsonProperty("continue_on_failure") boolean continueOnFailure,
            @JsonProperty("timeout_secs") Long timeoutSecs,
            @JsonProperty("started_at") Instant startedAt,
            @JsonProperty("completed_at") Instant completedAt,
            @JsonProperty("duration_secs") Double durationSecs,
            @JsonProperty("exit_code") Integer exitCode,
            @JsonProperty("error_message") String errorMessage,
            @JsonProperty("output") Map<String, Object> output) {

        static StepView of(JobStep s) {
            return new StepView(s.stepName(), s.actionName(), s.actionType(), "local", s.status().wireName(),
                    s.workerId(), s.dependsOn(), s.continueOnFailure(), s.timeoutSecs(), s.startedAt(),
                    s.completedAt(), duration(s.startedAt(), s.completedAt()), s.exitCode(), s.errorMessage(),
                    s.output());
        }
    }
}
