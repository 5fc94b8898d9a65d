package dev.stroem.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A step row of a job: one node of the job's DAG; {@code owner} is null unless its action is another workspace's. */
public record JobStep(
        String jobId,
        String stepName,
        int position,
        String actionName,
        String actionType,
        List<String> dependsOn,
        boolean continueOnFailure,
        Long timeoutSecs,
        List<String> requiredTags,
        StepStatus status,
        String workerId,
        Instant readyAt,
        Instant claimedAt,
        Instant startedAt,
        Instant completedAt,
        Integer exitCode,
        String errorMessage,
        Map<String, Object> output,
        Map<String, Object> input,
        StepControl control,
        ActionOwner owner) {

    public JobStep {
        control = control == null ? StepControl.NONE : control;
    }

    /** A step whose action is its own workspace's. */
    public JobStep(String jobId, String stepName, int position, String actionName, String actionType,
            List<String> dependsOn, boolean continueOnFailure, Long timeoutSecs, List<String> requiredTags,
            StepStatus status, String workerId, Instant readyAt, Instant claimedAt, Instant startedAt,
            Instant completedAt, Integer exitCode, String errorMessage, Map<String, Object> output,
            Map<String, Object> input, StepControl control) {
        this(jobId, stepName, position, actionName, actionType, dependsOn, continueOnFailure, timeoutSecs,
                requiredTags, status, workerId, readyAt, claimedAt, startedAt, completedAt, exitCode, errorMessage,
                output, input, control, null);
    }

    /** A step whose input has not been rendered yet (it is rendered when a worker claims it). */
    public JobStep(String jobId, String stepName, int position, String actionName, String actionType,
            List<String> dependsOn, boolean continueOnFailure, Long timeoutSecs, List<String> requiredTags,
            StepStatus status, String workerId, Instant readyAt, Instant claimedAt, Instant startedAt,
            Instant completedAt, Integer exitCode, String errorMessage, Map<String, Object> output) {
        this(jobId, stepName, position, actionName, actionType, dependsOn, continueOnFailure, timeoutSecs,
                requiredTags, status, workerId, readyAt, claimedAt, startedAt, completedAt, exitCode, errorMessage,
                output, null, StepControl.NONE);
    }
}
