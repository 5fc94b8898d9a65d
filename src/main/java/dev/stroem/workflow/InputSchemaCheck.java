package dev.stroem.workflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Load-time checks of one {@code input:} schema, so a mistake in it is a load error naming the
 * field rather than a surprise when someone runs the task: known types ({@code bool} becomes
 * {@code boolean}), defaults of the declared type, and the original's select rules —
 * {@code multiple} needs {@code options} and a list default, and a default outside the options is
 * only allowed with {@code allow_custom}.
 */
final class InputSchemaCheck {

    private static final java.util.regex.Pattern CONNECTION_TYPE_NAME = java.util.regex.Pattern.compile("[A-Za-z_][\\w.-]*");

    private InputSchemaCheck() {}

    /** @return the schema with types normalised, in declared order; fields without a definition are left out */
    static Map<String, InputField> check(Map<String, InputField> input, Consumer<String> problems) {
        if (input == null) {
            return Map.of();
        }
        var out = new LinkedHashMap<String, InputField>();
        input.forEach((field, def) -> {
            if (def == null) {
                problems.accept("input field '" + field + "' has no definition (expected e.g. { type: string })");
                return;
            }
            String type = "bool".equals(def.type()) ? "boolean" : def.type();
            String what = "input field '" + field + "'";
            if (type == null) {
                problems.accept(what + " needs a 'type'");
            } else if (!InputField.TYPES.contains(type)) {
                // A connection type, perhaps of another file: the loader checks it once it read them all.
                if (!CONNECTION_TYPE_NAME.matcher(type).matches()) {
                    problems.accept(what + " has type '" + type
                            + "', which is not one of string, text, integer, number, boolean, date, datetime");
                }
            } else {
                checkSelect(what, def.withType(type), problems);
            }
            out.put(field, def.withType(type));
        });
        return out;
    }

    private static void checkSelect(String what, InputField field, Consumer<String> problems) {
        boolean hasOptions = field.options() != null && !field.options().isEmpty();
        if (field.options() != null && field.options().stream().anyMatch(o -> o == null)) {
            problems.accept(what + " has an empty entry in 'options'");
            return;
        }
        if (field.multiple() && !hasOptions) {
            problems.accept(what + " has 'multiple: true', which needs 'options'");
            return;
        }
        Object value = field.defaultValue();
        if (value == null || value instanceof String text && TemplateEngine.isTemplate(text)) {
            // A templated default (e.g. from a secret) is only known when a job is created.
            return;
        }
        if (field.multiple()) {
            if (!(value instanceof List<?> items)) {
                problems.accept(what + " has 'multiple: true', so its default must be a list");
                return;
            }
            for (Object item : items) {
                checkDefault(what, field, item, problems);
            }
        } else {
            checkDefault(what, field, value, problems);
        }
    }

    private static void checkDefault(String what, InputField field, Object value, Consumer<String> problems) {
        if (!InputResolver.matchesType(field.type(), value)) {
            problems.accept(what + " has a default that is not of type " + field.type());
        } else if (field.restrictedToOptions() && !field.options().contains(String.valueOf(value))) {
            problems.accept(what + " has the default '" + value + "', which is not one of its options"
                    + " (add 'allow_custom: true' to allow other values)");
        }
    }
}
