package dev.stroem.jobs;

import java.util.List;

/**
 * Which steps a worker takes, on the original's two routing axes: the step's action type must be
 * one of the worker's {@code capabilities}, and the step's tags must be among the worker's
 * {@code tags}. An {@code exclusive} worker also refuses steps whose tags do not cover all of its
 * own (a machine reserved for the steps that ask for it).
 */
public record WorkerRouting(List<String> capabilities, List<String> tags, boolean exclusive) {

    public WorkerRouting {
        capabilities = List.copyOf(capabilities);
        tags = List.copyOf(tags);
    }

    /** True when a step of {@code actionType} asking for {@code requiredTags} may go to this worker. */
    public boolean accepts(String actionType, List<String> requiredTags) {
        return capabilities.contains(actionType) && tags.containsAll(requiredTags)
                && (!exclusive || requiredTags.containsAll(tags));
    }
}
