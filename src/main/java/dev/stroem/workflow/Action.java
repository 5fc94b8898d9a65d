package dev.stroem.workflow;

import java.util.List;
import java.util.Map;

/**
 * A {@code type: script} action: a shell script with templated {@code script} and {@code env}.
 *
 * @param name the YAML key, or {@code _inline:{task}:{step}} for an action defined inline on a step
 *     (the original's naming, so {@code action_name} of job steps matches)
 * @param displayName the YAML {@code name:} field, or null
 * @param input the action's input schema (defaults are applied when a step runs it)
 * @param file the workflow file it came from, relative to the workspace root
 * @param retry the default retry of steps running it (a step's own {@code retry} wins), or null
 */
public record Action(
        String name,
        String displayName,
        String description,
        String type,
        String script,
        Map<String, String> env,
        Map<String, InputField> input,
        List<String> tags,
        String file,
        RetryPolicy retry) {

    public static final String TYPE_SCRIPT = "script";
    static final String INLINE_PREFIX = "_inline:";

    public Action {
        env = OrderedCopies.map(env);
        input = OrderedCopies.map(input);
        tags = OrderedCopies.list(tags);
    }

    public boolean inline() {
        return name.startsWith(INLINE_PREFIX);
    }

    static String inlineName(String task, String step) {
        return INLINE_PREFIX + task + ":" + step;
    }
}
