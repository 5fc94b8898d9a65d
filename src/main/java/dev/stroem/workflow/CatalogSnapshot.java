package dev.stroem.workflow;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All workspaces as loaded at one moment. Immutable: a reader holding a snapshot sees one consistent
 * state however often the catalog reloads meanwhile.
 *
 * @param workspaces by name, in configuration order
 */
public record CatalogSnapshot(Map<String, Workspace> workspaces, Instant loadedAt) {

    public CatalogSnapshot {
        workspaces = OrderedCopies.map(workspaces);
    }

    public Optional<Workspace> workspace(String name) {
        return Optional.ofNullable(workspaces.get(name));
    }

    public Optional<Task> task(String workspace, String task) {
        return workspace(workspace).flatMap(ws -> ws.task(task));
    }

    /** {@code GET /api/workspaces}. */
    public List<WorkspaceView> views() {
        return workspaces.values().stream().map(WorkspaceView::of).toList();
    }

    /** True when no workspace has a problem. */
    public boolean valid() {
        return workspaces.values().stream().allMatch(Workspace::valid);
    }
}
