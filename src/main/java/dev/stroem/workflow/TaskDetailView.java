package dev.stroem.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/workspaces/{ws}/tasks/{name}}, in the original's shape ({@code id, name,
 * description, mode, folder, input, flow, triggers}; {@code name} and {@code id} are the task's key,
 * {@code display_name} its label); {@code triggers} holds every trigger aimed at the task, as {@code GET .../triggers} shows them.
 * Our additions: {@code workspace}, {@code timeout} (seconds) and the task's hooks.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskDetailView(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("display_name") String displayName,
        @JsonProperty("description") String description,
        @JsonProperty("mode") String mode,
        @JsonProperty("workspace") String workspace,
        @JsonProperty("folder") String folder,
        @JsonProperty("input") Map<String, InputField> input,
        @JsonProperty("flow") Map<String, FlowStepView> flow,
        @JsonProperty("triggers") List<Object> triggers,
        @JsonProperty("timeout") Long timeout,
        @JsonProperty("on_success") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Hook> onSuccess,
        @JsonProperty("on_error") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Hook> onError,
        @JsonProperty("on_cancel") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Hook> onCancel) {

    /** A flow step as the original serialises it; {@code action} is {@code _inline:{task}:{step}} for inline steps. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FlowStepView(
            @JsonProperty("action") String action,
            @JsonProperty("name") String name,
            @JsonProperty("description") String description,
            @JsonProperty("depends_on") List<String> dependsOn,
            @JsonProperty("input") Map<String, Object> input,
            @JsonProperty("continue_on_failure") boolean continueOnFailure,
            @JsonProperty("timeout") Long timeout) {}

    public static TaskDetailView of(String workspace, Task task, List<Object> triggers) {
        var flow = new LinkedHashMap<String, FlowStepView>();
        task.flow().forEach((name, step) -> flow.put(name, new FlowStepView(
                step.actionName(), step.displayName(), step.description(), step.dependsOn(), step.input(),
                step.continueOnFailure(), step.timeoutSeconds())));
        Hooks hooks = task.hooks();
        return new TaskDetailView(task.name(), task.name(), task.displayName(), task.description(), task.mode(), workspace,
                task.folder(), task.inputHidingSecretDefaults(), flow, List.copyOf(triggers), task.timeoutSeconds(), hooks.onSuccess(), hooks.onError(), hooks.onCancel());
    }
}
