package dev.stroem.jobs;

import java.util.List;

/** What a new job's step is made of, from the task's flow; {@code owner} is null unless its action is another workspace's. */
public record NewStep(
        String stepName,
        String actionName,
        String actionType,
        List<String> dependsOn,
        boolean continueOnFailure,
        Long timeoutSecs,
        List<String> requiredTags,
        StepControl control,
        ActionOwner owner) {

    public NewStep {
        control = control == null ? StepControl.NONE : control;
    }

    public NewStep(String stepName, String actionName, String actionType, List<String> dependsOn,
            boolean continueOnFailure, Long timeoutSecs, List<String> requiredTags) {
        this(stepName, actionName, actionType, dependsOn, continueOnFailure, timeoutSecs, requiredTags, StepControl.NONE,
                null);
    }

    /** A step whose action is its own workspace's. */
    public NewStep(String stepName, String actionName, String actionType, List<String> dependsOn,
            boolean continueOnFailure, Long timeoutSecs, List<String> requiredTags, StepControl control) {
        this(stepName, actionName, actionType, dependsOn, continueOnFailure, timeoutSecs, requiredTags, control, null);
    }

    /** Starts out ready: no dependencies and nothing to decide first (a condition, a loop to expand). */
    public boolean readyAtCreation() {
        return dependsOn.isEmpty() && control.whenCondition() == null && !control.isPlaceholder()
                && control.loop() == null;
    }
}
