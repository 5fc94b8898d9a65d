package dev.stroem.jobs;

import dev.stroem.workflow.RetryPolicy;
import java.time.Instant;

/**
 * A job's place in a task-level retry chain and its policy, fixed when the job is created.
 *
 * @param retryOfJobId the failed job this one retries, or null for the first attempt
 * @param retryJobId the job that retries this one, once created
 * @param attempt this job's attempt (0 = the first run)
 * @param maxRetries retries allowed after the first run; null = the task has no retry
 * @param backoffSecs delay before the first retry
 * @param strategy {@code fixed} or {@code exponential}
 * @param dueAt when this failed job is to be retried (set in the transaction that failed it);
 *     null while it runs, when it succeeded, or when it has no retries left
 */
public record JobRetry(String retryOfJobId, String retryJobId, int attempt, Integer maxRetries, Long backoffSecs,
        String strategy, boolean jitter, Instant dueAt) {

    public static final JobRetry NONE = new JobRetry(null, null, 0, null, null, null, false, null);

    /** The first job of a task with {@code policy} (null: none). */
    public static JobRetry first(RetryPolicy policy) {
        return policy == null || policy.maxRetries() == 0 ? NONE
                : new JobRetry(null, null, 0, policy.maxRetries(), policy.delaySeconds(), policy.backoff(),
                        policy.jitter(), null);
    }

    /** The job retrying {@code failedJobId}, which was attempt {@code this.attempt}. */
    public JobRetry next(String failedJobId) {
        return new JobRetry(failedJobId, null, attempt + 1, maxRetries, backoffSecs, strategy, jitter, null);
    }

    public boolean hasAttemptsLeft() {
        return maxRetries != null && attempt < maxRetries;
    }

    /** A retry of this failed job is due or made: its hooks wait for the chain's final outcome. */
    public boolean retrying() {
        return dueAt != null;
    }
}
