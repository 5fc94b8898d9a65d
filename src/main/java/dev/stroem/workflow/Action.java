package dev.stroem.workflow;

import java.util.List;
import java.util.Map;

/**
 * A {@code type: script} action: an inline {@code script} or a {@code source} file of the
 * workspace, in a {@code language} (shell by default), with templated {@code script}, {@code env}
 * and {@code args}.
 *
 * @param name the YAML key, or {@code _inline:{task}:{step}} for an action defined inline on a step
 *     (the original's naming, so {@code action_name} of job steps matches)
 * @param displayName the YAML {@code name:} field, or null
 * @param input the action's input schema (defaults are applied when a step runs it)
 * @param file the workflow file it came from, relative to the workspace root
 * @param retry the default retry of steps running it (a step's own {@code retry} wins), or null
 * @param source a script file relative to the workspace root (normalised), or null for an inline script
 * @param language {@code shell} (null means shell), {@code python}, {@code javascript}/{@code js},
 *     {@code typescript}/{@code ts} or {@code go}, as written
 * @param interpreter the program to run the script with instead of the worker's choice, or null
 * @param args command-line argument templates
 * @param dependencies packages to install before the script runs (not for shell)
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
        RetryPolicy retry,
        String source,
        String language,
        String interpreter,
        List<String> args,
        List<String> dependencies) {

    public static final String TYPE_SCRIPT = "script";
    /**
     * A step's stand-in for another workspace's action ({@code action: ws.name}): resolved against
     * that workspace when a job is created, never run as it is.
     */
    public static final String TYPE_REFERENCE = "reference";
    static final String INLINE_PREFIX = "_inline:";

    public Action {
        env = OrderedCopies.map(env);
        input = OrderedCopies.map(input);
        tags = OrderedCopies.list(tags);
        args = OrderedCopies.list(args);
        dependencies = OrderedCopies.list(dependencies);
    }

    /** An inline shell script action. */
    public Action(String name, String displayName, String description, String type, String script,
            Map<String, String> env, Map<String, InputField> input, List<String> tags, String file, RetryPolicy retry) {
        this(name, displayName, description, type, script, env, input, tags, file, retry, null, null, null, List.of(),
                List.of());
    }

    /** An inline shell script action without a retry of its own. */
    public Action(String name, String displayName, String description, String type, String script,
            Map<String, String> env, Map<String, InputField> input, List<String> tags, String file) {
        this(name, displayName, description, type, script, env, input, tags, file, null);
    }

    /** Languages of script actions, as the original lists them (aliases included). */
    public static final List<String> LANGUAGES = List.of("shell", "python", "javascript", "js", "typescript", "ts", "go");

    /** The stand-in for {@code ref} ({@code ws.name}) of a step in {@code file}. */
    static Action reference(String ref, String file) {
        return new Action(ref, null, null, TYPE_REFERENCE, null, Map.of(), Map.of(), List.of(), file);
    }

    /** True for the stand-in of another workspace's action. */
    public boolean crossWorkspace() {
        return TYPE_REFERENCE.equals(type);
    }

    /** The owning workspace of a cross-workspace reference ({@code ws} of {@code ws.name}). */
    public String ownerWorkspace() {
        return name.substring(0, name.indexOf('.'));
    }

    /** The action's name in its owning workspace ({@code name} of {@code ws.name}). */
    public String ownerAction() {
        return name.substring(name.indexOf('.') + 1);
    }

    public boolean inline() {
        return name.startsWith(INLINE_PREFIX);
    }

    static String inlineName(String task, String step) {
        return INLINE_PREFIX + task + ":" + step;
    }
}
