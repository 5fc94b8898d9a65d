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
        dev.stroem.workflow.RenderedAction action) {}
