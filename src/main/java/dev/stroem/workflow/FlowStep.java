package dev.stroem.workflow;

import java.util.List;
import java.util.Map;

/**
 * One step of a task's {@code flow}, with its action resolved (named or inline).
 *
 * @param name the YAML key, unique within the task
 * @param displayName the YAML {@code name:} field, or null
 * @param action the action the step runs; never null in a loaded {@link Workspace}
 * @param dependsOn names of steps of the same task that must finish first, in YAML order
 * @param input step input templates (rendered when the step is claimed)
 * @param timeoutSeconds the step timeout, or null when none is set
 * @param control {@code when}, {@code for_each}, {@code sequential} and {@code retry}
 */
public record FlowStep(
        String name,
        String displayName,
        String description,
        Action action,
        List<String> dependsOn,
        Map<String, Object> input,
        boolean continueOnFailure,
        Long timeoutSeconds,
        FlowControl control) {

    public FlowStep {
        dependsOn = OrderedCopies.list(dependsOn);
        input = OrderedCopies.map(input);
        control = control == null ? FlowControl.NONE : control;
    }

    public FlowStep(String name, String displayName, String description, Action action, List<String> dependsOn,
            Map<String, Object> input, boolean continueOnFailure, Long timeoutSeconds) {
        this(name, displayName, description, action, dependsOn, input, continueOnFailure, timeoutSeconds, FlowControl.NONE);
    }

    /** The retry that applies: the step's own, else its action's default; null for none. */
    public RetryPolicy retry() {
        return control.retry() != null ? control.retry() : action == null ? null : action.retry();
    }

    /** The name other steps' templates use for this step: dashes become underscores. */
    public String templateName() {
        return templateName(name);
    }

    public String actionName() {
        return action.name();
    }

    static String templateName(String stepName) {
        return stepName.replace('-', '_');
    }

    FlowStep withAction(Action resolved) {
        return new FlowStep(name, displayName, description, resolved, dependsOn, input, continueOnFailure, timeoutSeconds, control);
    }
}
