package dev.stroem.worker;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A step the server handed to this worker ({@code POST /worker/jobs/claim}).
 *
 * @param timeoutSecs the step's time limit, or null when it has none
 * @param revision the workspace revision the step runs on, or null when the server names none
 *     (then the workspace's current revision)
 * @param state the latest state snapshots when the step was claimed, or null when the server does
 *     not say (then the worker asks for both)
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
        String revision,
        StateSnapshots state) {

    /**
     * The ids of the latest task and global state snapshots at claim time (our extension of the
     * claim, docs/worker-api.md); null: that scope has none, so there is nothing to download.
     */
    public record StateSnapshots(String task, String global) {}

    @JsonCreator
    public ClaimedStep {
    }

    /** A step on a pinned revision, from a server that does not say which state snapshots exist. */
    public ClaimedStep(String jobId, String workspace, String taskName, String stepName, String actionName,
            String actionType, String runner, ActionSpec actionSpec, JsonNode input, Long timeoutSecs, String revision) {
        this(jobId, workspace, taskName, stepName, actionName, actionType, runner, actionSpec, input, timeoutSecs,
                revision, null);
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
