package dev.stroem.worker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A step the server handed to this worker ({@code POST /worker/jobs/claim}).
 *
 * @param timeoutSecs the step's time limit, or null when it has none
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
        Long timeoutSecs) {

    /** "step s of job j", for log messages. */
    public String describe() {
        return "step '" + stepName + "' of job " + jobId;
    }
}
