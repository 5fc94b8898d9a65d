package dev.stroem.workflow;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies an input schema to given values, as the original does: defaults fill absent fields,
 * required fields without a value are an error, keys outside the schema pass through unchanged.
 * On top of the original we check the types integer, number and boolean, and accept their text
 * forms ({@code "3"}, {@code "true"}) by converting them, so a CLI {@code key=value} or an HTML form
 * value works.
 */
final class InputResolver {

    private InputResolver() {}

    /**
     * @param given the caller's input; null is an empty input. A key whose value is null counts as
     *     absent.
     * @return a new map: the given keys (converted where the type asks) followed by the defaults
     * @throws InputException naming every field that is missing or of the wrong type
     */
    static Map<String, Object> resolve(Map<String, InputField> schema, Map<String, Object> given) {
        var out = new LinkedHashMap<String, Object>();
        if (given != null) {
            given.forEach((k, v) -> {
                if (v != null) {
                    out.put(k, v);
                }
            });
        }
        var fields = new ArrayList<String>();
        var problems = new ArrayList<String>();
        schema.forEach((name, field) -> {
            Object value = out.get(name);
            if (value == null) {
                if (field.defaultValue() != null) {
                    out.put(name, field.defaultValue());
                } else if (field.required()) {
                    fields.add(name);
                    problems.add("input." + name + ": required");
                }
                return;
            }
            Object converted = convert(field.type(), value);
            if (converted == null) {
                fields.add(name);
                problems.add("input." + name + ": expected " + article(field.type()) + ", got " + describe(value));
            } else {
                out.put(name, converted);
            }
        });
        if (!problems.isEmpty()) {
            throw new InputException(fields, String.join("; ", problems));
        }
        return out;
    }

    /** Fills only defaults (no required or type checks): an action's schema applied to a step's input. */
    static Map<String, Object> withDefaults(Map<String, InputField> schema, Map<String, Object> input) {
        var out = new LinkedHashMap<>(input);
        schema.forEach((name, field) -> {
            if (out.get(name) == null && field.defaultValue() != null) {
                out.put(name, field.defaultValue());
            }
        });
        return out;
    }

    static boolean matchesType(String type, Object value) {
        return convert(type, value) == value;
    }

    /** @return the value as the type wants it, or null when it cannot be */
    private static Object convert(String type, Object value) {
        switch (type) {
            case "integer":
                if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
                    return value;
                }
                if (value instanceof String text && text.strip().matches("[-+]?\\d{1,18}")) {
                    return Long.parseLong(text.strip());
                }
                return null;
            case "number":
                if (value instanceof Number) {
                    return value;
                }
                if (value instanceof String text) {
                    try {
                        var number = new BigDecimal(text.strip());
                        return number.scale() <= 0 && number.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0
                                ? (Object) number.longValueExact()
                                : (Object) number.doubleValue();
                    } catch (NumberFormatException | ArithmeticException e) {
                        return null;
                    }
                }
                return null;
            case "boolean":
                if (value instanceof Boolean) {
                    return value;
                }
                if (value instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
                    return Boolean.parseBoolean(text);
                }
                return null;
            default:
                // string, text, date, datetime: the original treats them all as text and checks nothing.
                return value;
        }
    }

    private static String article(String type) {
        return switch (type) {
            case "integer" -> "an integer";
            case "number" -> "a number";
            case "boolean" -> "true or false";
            default -> "a " + type;
        };
    }

    private static String describe(Object value) {
        if (value instanceof String text) {
            return "\"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "a list";
        }
        return String.valueOf(value);
    }
}
