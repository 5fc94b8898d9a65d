package dev.stroem.workflow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Set;

/**
 * One entry of a task's or action's {@code input:} schema, in the original's YAML and JSON shape
 * ({@code type, name, description, required, default, options, allow_custom, multiple, order}).
 *
 * @param type one of {@link #TYPES}; {@code bool} is normalised to {@code boolean} at load time
 * @param name human-readable label, or null
 * @param defaultValue used when the caller leaves the field out (JSON/YAML name {@code default});
 *     a list when {@code multiple}
 * @param options dropdown choices for the UI, or null; without {@code allow_custom} the only values
 *     a caller may send
 * @param allowCustom values outside {@code options} are accepted too
 * @param multiple the value is a list of values (a multi-select in the UI)
 * @param order display position in the UI (lower first), or null for "after the ordered ones"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InputField(
        @JsonProperty("type") String type,
        @JsonProperty("name") String name,
        @JsonProperty("description") String description,
        @JsonProperty("required") boolean required,
        @JsonProperty("default") Object defaultValue,
        @JsonProperty("options") List<String> options,
        @JsonProperty("allow_custom") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean allowCustom,
        @JsonProperty("multiple") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean multiple,
        @JsonProperty("order") Integer order,
        @JsonProperty("secret") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean secret) {

    /** The primitive types of the original; connection types are out of scope. */
    public static final Set<String> TYPES =
            Set.of("string", "text", "integer", "number", "boolean", "date", "datetime");

    @JsonCreator
    public InputField {
        options = options == null ? null : OrderedCopies.list(options);
    }

    /** A field without options, custom values, multi-select or order. */
    public InputField(String type, String name, String description, boolean required, Object defaultValue, List<String> options) {
        this(type, name, description, required, defaultValue, options, false, false, null, false);
    }

    /** A field as before {@code secret} (whose values are masked wherever they would show) existed. */
    public InputField(String type, String name, String description, boolean required, Object defaultValue,
            List<String> options, boolean allowCustom, boolean multiple, Integer order) {
        this(type, name, description, required, defaultValue, options, allowCustom, multiple, order, false);
    }

    /** True when a value must be one of {@link #options}. */
    public boolean restrictedToOptions() {
        return options != null && !options.isEmpty() && !allowCustom;
    }

    InputField withType(String newType) {
        return new InputField(newType, name, description, required, defaultValue, options, allowCustom, multiple, order,
                secret);
    }
}
