package dev.stroem.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One element of {@code GET /api/workspaces}: the original's shape plus {@code errors}, the problems
 * found when loading it (empty when it loaded cleanly).
 */
public record WorkspaceView(
        @JsonProperty("name") String name,
        @JsonProperty("tasks_count") int tasksCount,
        @JsonProperty("actions_count") int actionsCount,
        @JsonProperty("errors") List<WorkflowError> errors) {

    /** Counts valid tasks and named actions (inline actions are part of their task). */
    public static WorkspaceView of(Workspace workspace) {
        return new WorkspaceView(workspace.name(), workspace.tasks().size(), workspace.actions().size(), workspace.errors());
    }
}
