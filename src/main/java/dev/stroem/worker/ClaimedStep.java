package dev.stroem.worker;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A step the server handed to this worker ({@code POST /worker/jobs/claim}).
 *
 * @param timeoutSecs the step's time limit, or null when it has none
 * @param revision the workspace revision the step runs on, or null when the server names none
 *     (then the workspace's current revision)
 */
public record ClaimedStep(
        String jobId,
        String workspace,
        String taskName,
        String stepName,
        String actionName,
        String actionType,
        String runner,
        ActionSpec actionSpec,
        JsonNode input,
        Long timeoutSecs,
        String revision) {

    @JsonCreator
    public ClaimedStep {
    }

    /** A step without a pinned revision. */
    public ClaimedStep(String jobId, String workspace, String taskName, String stepName, String actionName,
            String actionType, String runner, ActionSpec actionSpec, JsonNode input, Long timeoutSecs) {
        this(jobId, workspace, taskName, stepName, actionName, actionType, runner, actionSpec, input, timeoutSecs, null);
    }

    /** "step s of job j", for log messages. */
    public String describe() {
        return "step '" + stepName + "' of job " + jobId;
    }
}
