package dev.stroem.jobs;

import java.util.Map;
import java.util.Optional;

/**
 * The structured state templates see when a step is claimed ({@code state.*} and
 * {@code global_state.*}): the values of the latest snapshot of a task, or of its workspace.
 * Implemented outside this room (the state room), so the job room does not depend on it.
 */
@FunctionalInterface
public interface StateValues {
    /** No state kept: templates see neither {@code state} nor {@code global_state} values. */
    StateValues NONE = (workspace, task) -> Optional.empty();

    /**
     * The latest snapshot's values; {@code task} null: the workspace's global state. Empty when
     * there is no snapshot, or it has no values.
     */
    Optional<Map<String, Object>> latest(String workspace, String task);
}
