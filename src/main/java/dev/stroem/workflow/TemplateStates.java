package dev.stroem.workflow;

import java.util.Map;

/**
 * {@code state} and {@code global_state} as a step's templates see them: the latest snapshots'
 * values when it is claimed. A scope without values is null, the nearest Pebble has to Tera's
 * "not in the context": {@code not state} is true and {@code state.x | default(value=…)} gives
 * the default, while {@code {{ state.x }}} alone is an error naming it.
 *
 * @param task the task's state values, or null
 * @param global the workspace's global state values, or null
 */
public record TemplateStates(Map<String, Object> task, Map<String, Object> global) {
    void putInto(Map<String, Object> context) {
        context.put("state", task);
        context.put("global_state", global);
    }
}
