package dev.stroem.jobs;

import java.time.Instant;
import java.util.Map;

/**
 * A job row: one run of a task (or of a hook, then {@code sourceType} is {@code hook}).
 * {@code input} is the resolved input (defaults applied), {@code rawInput} what the caller sent;
 * {@code sourceJobId} the job this one re-runs, if any; {@code revision} the workspace revision it
 * was created at (its steps render from and run on that revision; null for jobs from before revisions).
 */
public record Job(
        String jobId,
        String workspace,
        String taskName,
        JobStatus status,
        Map<String, Object> input,
        String sourceType,
        String sourceId,
        String hookName,
        Long timeoutSecs,
        String errorMessage,
        String cancelledBy,
        Instant createdAt,
        Instant startedAt,
        Instant completedAt,
        Map<String, Object> rawInput,
        String sourceJobId,
        JobRetry retry,
        String revision) {

    public Job {
        retry = retry == null ? JobRetry.NONE : retry;
    }

    /** A job without a recorded workspace revision. */
    public Job(String jobId, String workspace, String taskName, JobStatus status, Map<String, Object> input,
            String sourceType, String sourceId, String hookName, Long timeoutSecs, String errorMessage,
            String cancelledBy, Instant createdAt, Instant startedAt, Instant completedAt,
            Map<String, Object> rawInput, String sourceJobId, JobRetry retry) {
        this(jobId, workspace, taskName, status, input, sourceType, sourceId, hookName, timeoutSecs, errorMessage,
                cancelledBy, createdAt, startedAt, completedAt, rawInput, sourceJobId, retry, null);
    }

    /** A job outside any retry chain. */
    public Job(String jobId, String workspace, String taskName, JobStatus status, Map<String, Object> input,
            String sourceType, String sourceId, String hookName, Long timeoutSecs, String errorMessage,
            String cancelledBy, Instant createdAt, Instant startedAt, Instant completedAt,
            Map<String, Object> rawInput, String sourceJobId) {
        this(jobId, workspace, taskName, status, input, sourceType, sourceId, hookName, timeoutSecs, errorMessage,
                cancelledBy, createdAt, startedAt, completedAt, rawInput, sourceJobId, JobRetry.NONE, null);
    }

    /** A job without a recorded raw input or re-run lineage (hooks, tests). */
    public Job(String jobId, String workspace, String taskName, JobStatus status, Map<String, Object> input,
            String sourceType, String sourceId, String hookName, Long timeoutSecs, String errorMessage,
            String cancelledBy, Instant createdAt, Instant startedAt, Instant completedAt) {
        this(jobId, workspace, taskName, status, input, sourceType, sourceId, hookName, timeoutSecs, errorMessage,
                cancelledBy, createdAt, startedAt, completedAt, null, null, JobRetry.NONE, null);
    }

    /** This job as created at a workspace revision. */
    public Job withRevision(String atRevision) {
        return new Job(jobId, workspace, taskName, status, input, sourceType, sourceId, hookName, timeoutSecs,
                errorMessage, cancelledBy, createdAt, startedAt, completedAt, rawInput, sourceJobId, retry, atRevision);
    }

    public static final String SOURCE_API = "api";
    public static final String SOURCE_HOOK = "hook";
    /** Created by a scheduler trigger; {@code sourceId} is {@code {workspace}/{trigger}}. */
    public static final String SOURCE_TRIGGER = "trigger";
    /** Created by a webhook call; {@code sourceId} is {@code {workspace}/{trigger}}. */
    public static final String SOURCE_WEBHOOK = "webhook";
    /** Created by a task-level retry; {@code sourceId} is the failed job it retries. */
    public static final String SOURCE_RETRY = "retry";
}
