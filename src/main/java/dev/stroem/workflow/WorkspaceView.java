package dev.stroem.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One element of {@code GET /api/workspaces}: the original's shape ({@code error} is null when
 * the workspace loaded cleanly, otherwise its problems in one sentence) plus {@code errors}, the
 * same problems one by one with file and line.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record WorkspaceView(
        @JsonProperty("name") String name,
        @JsonProperty("tasks_count") int tasksCount,
        @JsonProperty("actions_count") int actionsCount,
        @JsonProperty("triggers_count") int triggersCount,
        @JsonProperty("triggers_enabled") boolean triggersEnabled,
        @JsonProperty("connections_count") int connectionsCount,
        @JsonProperty("revision") String revision,
        @JsonProperty("error") String error,
        @JsonProperty("warnings") List<String> warnings,
        @JsonProperty("errors") List<WorkflowError> errors) {

    /**
     * Counts valid tasks and named actions (inline actions are part of their task). Triggers and
     * connections are counted by their issues (17, 13) once they load. {@code revision} is the one
     * workers download ({@code GET /worker/workspace/{ws}.tar.gz}).
     */
    public static WorkspaceView of(Workspace workspace) {
        return new WorkspaceView(workspace.name(), workspace.tasks().size(), workspace.actions().size(), 0, true, 0,
                workspace.revision(), summary(workspace.errors()), workspace.warnings(), workspace.errors());
    }

    static String summary(List<WorkflowError> errors) {
        if (errors.isEmpty()) {
            return null;
        }
        return errors.stream()
                .map(e -> (e.file() == null ? "" : e.file() + ": ") + e.message())
                .collect(Collectors.joining("; "));
    }
}
