package dev.stroem.workflow;

import java.util.List;
import java.util.Map;

/**
 * What a worker runs for one step or hook: the rendered input (with the action's defaults), the
 * rendered script (null when the action runs a {@code source} file), environment and arguments,
 * and the action's language settings as written.
 *
 * @param actionName the action's name ({@code _inline:{task}:{step}} for an inline step)
 */
public record RenderedAction(String actionName, Map<String, Object> input, String script, Map<String, String> env,
        String source, String language, String interpreter, List<String> args, List<String> dependencies) {
    public RenderedAction {
        input = OrderedCopies.map(input);
        env = OrderedCopies.map(env);
        args = OrderedCopies.list(args);
        dependencies = OrderedCopies.list(dependencies);
    }

    /** An inline shell script. */
    public RenderedAction(String actionName, Map<String, Object> input, String script, Map<String, String> env) {
        this(actionName, input, script, env, null, null, null, List.of(), List.of());
    }
}
