package dev.stroem.jobs;

import java.time.Instant;
import java.util.Map;

/**
 * A step handed to a worker, with its action rendered: what the worker API's claim answers.
 *
 * @param readyAt when the step became ready (for the ready → claimed time)
 * @param claimedAt when this claim took it
 * @param revision the workspace revision the step runs on (its job's; null for jobs from before revisions)
 * @param action the whole rendered action ({@code source}, {@code language}, {@code args}… beside the script)
 * @param state the latest state snapshots when the step was claimed, or null when this claim did not read them
 */
public record ClaimedStep(
        String jobId,
        String workspace,
        String taskName,
        String stepName,
        String actionName,
        String actionType,
        String script,
        Map<String, String> env,
        Map<String, Object> input,
        Long timeoutSecs,
        Instant readyAt,
        Instant claimedAt,
        String revision,
        dev.stroem.workflow.RenderedAction action,
        StateSnapshots state) {

    /**
     * The ids of the latest task and global state snapshots at claim time (null: none), the ones
     * the step's templates saw; a worker does not ask for a state that has no snapshot.
     */
    public record StateSnapshots(String task, String global) {}
}
