package dev.stroem.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Set;

/**
 * One entry of a task's or action's {@code input:} schema, in the original's YAML and JSON shape
 * ({@code type, name, description, required, default, options}).
 *
 * @param type one of {@link #TYPES}; {@code bool} is normalised to {@code boolean} at load time
 * @param name human-readable label, or null
 * @param defaultValue used when the caller leaves the field out (JSON/YAML name {@code default})
 * @param options dropdown choices for the UI, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InputField(
        @JsonProperty("type") String type,
        @JsonProperty("name") String name,
        @JsonProperty("description") String description,
        @JsonProperty("required") boolean required,
        @JsonProperty("default") Object defaultValue,
        @JsonProperty("options") List<String> options) {

    /** The primitive types of the original; connection types are out of scope. */
    public static final Set<String> TYPES =
            Set.of("string", "text", "integer", "number", "boolean", "date", "datetime");

    public InputField {
        options = options == null ? null : OrderedCopies.list(options);
    }

    InputField withType(String newType) {
        return new InputField(newType, name, description, required, defaultValue, options);
    }
}
