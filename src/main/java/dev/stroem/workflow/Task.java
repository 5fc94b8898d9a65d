package dev.stroem.workflow;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated task: its input schema and its DAG of steps.
 *
 * @param name the YAML key
 * @param displayName the YAML {@code name:} field, or null
 * @param folder UI folder ({@code a/b}), or null
 * @param mode always {@code distributed} (the only mode; accepted for compatibility)
 * @param flow steps by name, in file order
 * @param timeoutSeconds job timeout, or null when none is set
 * @param hooks the task's own hooks (see {@link Workspace#hooksFor} for the fallback rules)
 * @param file the workflow file it came from, relative to the workspace root
 * @param retry task-level retry: a failed job is run again as a new job, or null
 */
public record Task(
        String name,
        String displayName,
        String description,
        String folder,
        String mode,
        Map<String, InputField> input,
        Map<String, FlowStep> flow,
        Long timeoutSeconds,
        Hooks hooks,
        String file,
        RetryPolicy retry) {

    public static final String MODE_DISTRIBUTED = "distributed";

    public Task {
        input = OrderedCopies.map(input);
        flow = OrderedCopies.map(flow);
        hooks = hooks == null ? Hooks.NONE : hooks;
    }

    public Optional<FlowStep> step(String stepName) {
        return Optional.ofNullable(flow.get(stepName));
    }

    /** Steps in file order. */
    public List<FlowStep> steps() {
        return List.copyOf(flow.values());
    }

    Task withFlow(Map<String, FlowStep> newFlow) {
        return new Task(name, displayName, description, folder, mode, input, newFlow, timeoutSeconds, hooks, file, retry);
    }

    /**
     * {@code values} (a trigger's input) with the value of each {@code secret: true} input replaced by
     * the mask, for answers that show it; the same map when the task has no secret input among them.
     */
    public Map<String, Object> hidingSecretInputs(Map<String, Object> values) {
        if (values == null || values.keySet().stream().noneMatch(k -> input.containsKey(k) && input.get(k).secret())) {
            return values;
        }
        var out = new java.util.LinkedHashMap<String, Object>(values);
        out.replaceAll((k, v) -> v != null && input.containsKey(k) && input.get(k).secret()
                ? dev.stroem.secrets.Masker.MASK : v);
        return out;
    }

    /** The input schema as answers show it: a {@code secret: true} field's default is masked. */
    public Map<String, InputField> inputHidingSecretDefaults() {
        if (input.values().stream().noneMatch(f -> f.secret() && f.defaultValue() != null)) {
            return input;
        }
        var out = new java.util.LinkedHashMap<String, InputField>();
        input.forEach((k, f) -> out.put(k, f.secret() && f.defaultValue() != null
                ? new InputField(f.type(), f.name(), f.description(), f.required(), dev.stroem.secrets.Masker.MASK,
                        f.options(), f.allowCustom(), f.multiple(), f.order(), true)
                : f));
        return out;
    }
}
