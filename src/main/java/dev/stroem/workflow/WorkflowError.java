package dev.stroem.workflow;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One problem found while loading a workspace.
 *
 * @param file workflow file relative to the workspace root ({@code .workflows/a.yaml}), or null
 *     for a problem with the workspace itself
 * @param line 1-based line, known for YAML syntax errors and duplicate keys, else null
 * @param task task name, or null
 * @param step step name within {@code task}, or null
 * @param action action name, or null
 * @param message one sentence, without a trailing period
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowError(
        @JsonProperty("file") String file,
        @JsonProperty("line") Integer line,
        @JsonProperty("task") String task,
        @JsonProperty("step") String step,
        @JsonProperty("action") String action,
        @JsonProperty("message") String message) {

    static WorkflowError ofFile(String file, Integer line, String message) {
        return new WorkflowError(file, line, null, null, null, message);
    }

    static WorkflowError ofTask(String file, String task, String step, String message) {
        return new WorkflowError(file, null, task, step, null, message);
    }

    static WorkflowError ofAction(String file, String action, String message) {
        return new WorkflowError(file, null, null, null, action, message);
    }

    /** {@code file[:line]: task[/step]: message}, or {@code file: action NAME: message}. */
    @JsonIgnore
    public String describe() {
        var out = new StringBuilder();
        if (file != null) {
            out.append(file);
            if (line != null) {
                out.append(':').append(line);
            }
            out.append(": ");
        }
        if (task != null) {
            out.append(NameRules.printable(task));
            if (step != null) {
                out.append('/').append(NameRules.printable(step));
            }
            out.append(": ");
        } else if (action != null) {
            out.append("action ").append(NameRules.printable(action)).append(": ");
        }
        return out.append(message).toString();
    }
}
