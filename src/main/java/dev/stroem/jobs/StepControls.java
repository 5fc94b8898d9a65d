package dev.stroem.jobs;

import dev.stroem.workflow.FlowStep;

/** The step-row form of a flow step's conditions, loop and retry, fixed when its job is created. */
final class StepControls {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private StepControls() {}

    static StepControl of(FlowStep step) {
        var flow = step.control();
        var policy = step.retry();
        // max_attempts: 1 is no retry; a loop's instances inherit the placeholder's policy.
        var retry = policy == null || policy.maxRetries() == 0 ? StepControl.Retry.NONE
                : new StepControl.Retry(0, policy.maxRetries(), policy.delaySeconds(), policy.backoff(), policy.jitter(),
                        java.util.List.of(), null);
        if (flow.when() == null && flow.forEach() == null && retry == StepControl.Retry.NONE) {
            return StepControl.NONE;
        }
        String forEach = flow.forEach() instanceof String template ? template : literal(flow.forEach());
        return new StepControl(flow.when(), forEach, flow.sequential(), null, retry);
    }

    /** A literal list is kept as its JSON text: rendering text without template syntax leaves it as it is. */
    private static String literal(Object list) {
        if (list == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(list);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("for_each list cannot be stored: " + e.getOriginalMessage(), e);
        }
    }
}
