package dev.stroem.worker;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Map;

/**
 * The rendered action of a claimed step, as the server's {@code action_spec} carries it
 * (docs/worker-api.md; the original's guides/action-types.md).
 *
 * @param script inline code (shell unless {@code language} says otherwise)
 * @param env variables the step adds to the worker's environment
 * @param source a script file, relative to the workspace checkout (used when there is no inline script)
 * @param language {@code shell} (default), {@code python}, {@code javascript}/{@code js},
 *     {@code typescript}/{@code ts} or {@code go}
 * @param interpreter the program to run the script with instead of the one found for its language
 * @param args command-line arguments for the script ({@code $1 …} in shell, {@code sys.argv[1:]} in Python)
 * @param dependencies packages the original installs before the script runs
 */
public record ActionSpec(String script, Map<String, String> env, String source, String language, String interpreter,
        List<String> args, List<String> dependencies) {

    @JsonCreator
    public ActionSpec {
        env = env == null ? Map.of() : Map.copyOf(env);
        args = args == null ? List.of() : List.copyOf(args);
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
    }

    /** An inline shell script. */
    public ActionSpec(String script, Map<String, String> env) {
        this(script, env, null, null, null, null, null);
    }
}
