package dev.stroem.workflow;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code hook.*} template context of a hook, from the job that ended.
 *
 * @param status {@code completed}, {@code failed} or {@code cancelled}
 * @param errorMessage all failed steps' errors combined, or null
 * @param startedAt null when the job never started
 * @param sourceType what created the job that ended ({@code api}, {@code trigger}, {@code webhook}, …), or null
 * @param sourceId the trigger, webhook or user behind it, or null
 */
public record HookContext(
        String workspace,
        String taskName,
        String jobId,
        String status,
        String errorMessage,
        Instant startedAt,
        Instant completedAt,
        List<FailedStep> failedSteps,
        List<Map<String, Object>> artifacts,
        String sourceType,
        String sourceId) {

    public HookContext {
        failedSteps = OrderedCopies.list(failedSteps);
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
    }

    /** Of a job whose source is not known. */
    public HookContext(String workspace, String taskName, String jobId, String status, String errorMessage,
            Instant startedAt, Instant completedAt, List<FailedStep> failedSteps, List<Map<String, Object>> artifacts) {
        this(workspace, taskName, jobId, status, errorMessage, startedAt, completedAt, failedSteps, artifacts, null, null);
    }

    /** Without artifacts (a job that produced none). */
    public HookContext(String workspace, String taskName, String jobId, String status, String errorMessage,
            Instant startedAt, Instant completedAt, List<FailedStep> failedSteps) {
        this(workspace, taskName, jobId, status, errorMessage, startedAt, completedAt, failedSteps, List.of());
    }

    /** One entry of {@code hook.failed_steps}. */
    public record FailedStep(String stepName, String actionName, String errorMessage, boolean continueOnFailure) {}

    public boolean isSuccess() {
        return "completed".equals(status);
    }

    /** Seconds from start to completion with millisecond precision, or null when either is unknown. */
    public Double durationSecs() {
        return startedAt == null || completedAt == null ? null : Duration.between(startedAt, completedAt).toMillis() / 1000.0;
    }

    /** The context as templates see it, with the original's snake_case names. */
    public Map<String, Object> toTemplateContext() {
        var hook = new LinkedHashMap<String, Object>();
        hook.put("workspace", workspace);
        hook.put("task_name", taskName);
        hook.put("job_id", jobId);
        hook.put("status", status);
        hook.put("is_success", isSuccess());
        hook.put("error_message", errorMessage);
        hook.put("source_type", sourceType);
        hook.put("source_id", sourceId);
        hook.put("started_at", startedAt == null ? null : startedAt.toString());
        hook.put("completed_at", completedAt == null ? null : completedAt.toString());
        hook.put("duration_secs", durationSecs());
        hook.put("failed_steps", failedSteps.stream().map(step -> {
            var entry = new LinkedHashMap<String, Object>();
            entry.put("step_name", step.stepName());
            entry.put("action_name", step.actionName());
            entry.put("error_message", step.errorMessage());
            entry.put("continue_on_failure", step.continueOnFailure());
            return (Object) entry;
        }).toList());
        // {name, content_type, size_bytes, url, step_name, created_at} per file, as the original's hooks see them.
        hook.put("artifacts", artifacts);
        return hook;
    }
}
