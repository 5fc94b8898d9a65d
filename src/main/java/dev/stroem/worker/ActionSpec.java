package dev.stroem.worker;

import java.util.Map;

/** The rendered action of a claimed step: the script to run and the environment it adds. */
public record ActionSpec(String script, Map<String, String> env) {

    public ActionSpec {
        env = env == null ? Map.of() : Map.copyOf(env);
    }
}
