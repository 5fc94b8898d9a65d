package dev.stroem.workflow;

import java.util.Map;

/**
 * What a worker runs for one step or hook: the rendered input (with the action's defaults), the
 * rendered script and the rendered environment.
 *
 * @param actionName the action's name ({@code _inline:{task}:{step}} for an inline step)
 */
public record RenderedAction(String actionName, Map<String, Object> input, String script, Map<String, String> env) {
    public RenderedAction {
        input = OrderedCopies.map(input);
        env = OrderedCopies.map(env);
    }
}
