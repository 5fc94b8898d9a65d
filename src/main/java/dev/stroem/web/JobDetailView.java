package dev.stroem.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.stroem.jobs.Job;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.JobStep;
import dev.stroem.jobs.StepStatus;
import dev.stroem.jobs.store.LogState;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A job as {@code GET /api/jobs/{id}} shows it: the list item's keys, then every key of the
 * original's job detail (null where the feature does not apply or does not exist yet), its steps,
 * and our extras ({@code cancelled_by}, {@code archive}, {@code hook_jobs}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobDetailView(
        @JsonUnwrapped JobView job,
        @JsonProperty("input") Map<String, Object> input,
        @JsonProperty("raw_input") Map<String, Object> rawInput,
        @JsonProperty("output") Map<String, Object> output,
        @JsonProperty("source_job_id") String sourceJobId,
        @JsonProperty("restart_from_step") String restartFromStep,
        @JsonProperty("parent_job_id") String parentJobId,
        @JsonProperty("worker_id") String workerId,
        @JsonUnwrapped Retry retry,
        @JsonProperty("steps") List<StepView> steps,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("cancelled_by") String cancelledBy,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("archive") LogState archive,
        @JsonProperty("hook_jobs") List<JobView> hookJobs) {

    /** {@code archive} is null when no archive is configured (the key is then left out). */
    public static JobDetailView of(Job job, List<JobStep> steps, LogState archive, List<Job> hookJobs) {
        var byName = new LinkedHashMap<String, JobStep>();
        steps.forEach(s -> byName.put(s.stepName(), s));
        // Restarting from a step and child jobs (type: task) do not exist here yet: null.
        return new JobDetailView(JobView.summary(job), job.input(), job.rawInput(), output(job, steps),
                job.sourceJobId(), null, null, workerOf(steps), Retry.of(job.retry()),
                steps.stream().map(s -> StepView.of(s, byName)).toList(), job.cancelledBy(), archive,
                hookJobs.stream().map(JobView::summary).toList());
    }

    /**
     * A completed job's output: the outputs of its last steps (those no other step depends on),
     * merged in flow order; null while the job runs, when it did not complete, or when those steps
     * printed no {@code OUTPUT:}.
     */
    static Map<String, Object> output(Job job, List<JobStep> steps) {
        if (job.status() != JobStatus.COMPLETED) {
            return null;
        }
        var dependedOn = steps.stream().flatMap(s -> s.dependsOn().stream()).collect(java.util.stream.Collectors.toSet());
        var merged = new LinkedHashMap<String, Object>();
        steps.stream()
                .filter(s -> !dependedOn.contains(s.stepName()))
                .filter(s -> s.status() == StepStatus.COMPLETED && s.output() != null)
                .forEach(s -> merged.putAll(s.output()));
        return merged.isEmpty() ? null : merged;
    }

    /** The worker that took the job's first step, as the original records it on the job. */
    static String workerOf(List<JobStep> steps) {
        return steps.stream()
                .filter(s -> s.workerId() != null && s.claimedAt() != null)
                .min(Comparator.comparing(JobStep::claimedAt))
                .map(JobStep::workerId)
                .or(() -> steps.stream().map(JobStep::workerId).filter(Objects::nonNull).findFirst())
                .orElse(null);
    }

    /** Task-level retry keys: the chain's links, this job's attempt (0 = the first run) and the task's retries. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Retry(
            @JsonProperty("retry_of_job_id") String retryOfJobId,
            @JsonProperty("retry_job_id") String retryJobId,
            @JsonProperty("retry_attempt") int retryAttempt,
            @JsonProperty("max_retries") Integer maxRetries) {
        static final Retry NONE = new Retry(null, null, 0, null);

        static Retry of(dev.stroem.jobs.JobRetry r) {
            return new Retry(r.retryOfJobId(), r.retryJobId(), r.attempt(), r.maxRetries());
        }
    }
}
