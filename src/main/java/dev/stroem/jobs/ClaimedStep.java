package dev.stroem.jobs;

import java.util.Map;

/** A step handed to a worker, with its action rendered: what the worker API's claim answers. */
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
        Long timeoutSecs) {}
