package dev.stroem.jobs;

import java.util.Map;
import java.util.Optional;

/**
 * The structured state templates see when a step is claimed ({@code state.*} and
 * {@code global_state.*}): the latest snapshot of a task, or of its workspace. Implemented
 * outside this room (the state room), so the job room does not depend on it.
 */
public interface StateValues {

    /**
     * A scope's latest snapshot as a claim sees it.
     *
     * @param snapshotId its id: the claim tells the worker which snapshot exists (none: no download)
     * @param values its structured state, or null when it has none
     */
    record Latest(String snapshotId, Map<String, Object> values) {}

    /** No state kept: templates see neither {@code state} nor {@code global_state} values. */
    StateValues NONE = new StateValues() {
        @Override
        public Optional<Latest> latest(String workspace, String task) {
            return Optional.empty();
        }

        @Override
        public boolean known() {
            return false;
        }
    };

    /** The latest snapshot; {@code task} null: the workspace's global state. Empty when there is none. */
    Optional<Latest> latest(String workspace, String task);

    /**
     * True when {@link #latest} answers from the snapshots workers download: then an empty answer
     * means there is nothing to download, and a claim may say so.
     */
    default boolean known() {
        return true;
    }
}
