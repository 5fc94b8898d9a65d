package dev.stroem.jobs;

import java.util.List;

/** What a new job's step is made of, from the task's flow. */
public record NewStep(
        String stepName,
        String actionName,
        String actionType,
        List<String> dependsOn,
        boolean continueOnFailure,
        Long timeoutSecs,
        List<String> requiredTags) {}
