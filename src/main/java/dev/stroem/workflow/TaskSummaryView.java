package dev.stroem.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One element of {@code GET /api/workspaces/{ws}/tasks}, in the original's shape: {@code id} is the
 * task's key; {@code name} is its display name, or the key when it has none (older clients of the
 * original read the key from {@code name}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskSummaryView(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("description") String description,
        @JsonProperty("mode") String mode,
        @JsonProperty("workspace") String workspace,
        @JsonProperty("folder") String folder,
        @JsonProperty("has_triggers") boolean hasTriggers) {

    public static TaskSummaryView of(String workspace, Task task) {
        return new TaskSummaryView(
                task.name(), displayName(task), task.description(), task.mode(), workspace, task.folder(), false);
    }

    static String displayName(Task task) {
        return task.displayName() != null ? task.displayName() : task.name();
    }
}
