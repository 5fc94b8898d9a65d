package dev.stroem.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One element of {@code GET /api/workspaces/{ws}/tasks}, in the original's shape: {@code name} is
 * the task's key (as the original's API documentation shows it), {@code id} repeats it for clients
 * of the newer original, and {@code display_name} is the human label when the task has one. Our
 * addition: the task's {@code input} schema, so a client can build a run form from the list.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskSummaryView(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("display_name") String displayName,
        @JsonProperty("description") String description,
        @JsonProperty("mode") String mode,
        @JsonProperty("workspace") String workspace,
        @JsonProperty("folder") String folder,
        @JsonProperty("has_triggers") boolean hasTriggers,
        @JsonProperty("input") java.util.Map<String, InputField> input) {

    /** {@code has_triggers}: at least one enabled trigger of the workspace targets the task, as in the original. */
    public static TaskSummaryView of(Workspace workspace, Task task) {
        boolean triggered = workspace.triggers().values().stream()
                .anyMatch(t -> t.enabled() && t.task().equals(task.name()));
        return new TaskSummaryView(task.name(), task.name(), task.displayName(), task.description(), task.mode(),
                workspace.name(), task.folder(), triggered, task.input());
    }
}
