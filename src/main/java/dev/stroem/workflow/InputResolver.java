package dev.stroem.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies an input schema to given values, as the original does: defaults fill absent fields,
 * required fields without a value are an error, keys outside the schema pass through unchanged.
 * On top of the original we check every declared type and the select rules, so a bad value is a
 * 400 naming the field when the job is created, not a failure deep inside a script:
 * <ul>
 *   <li>integer, number and boolean accept their text forms ({@code "3"}, {@code "true"}) and are
 *       converted, so a CLI {@code key=value} or an HTML form value works;
 *   <li>date is {@code YYYY-MM-DD}, datetime an ISO date-time ({@code 2026-01-15T14:30}, seconds and
 *       offset optional) — both stay text, as in the original;
 *   <li>with {@code options} and without {@code allow_custom}, a value must be one of the options;
 *   <li>{@code multiple} takes a list (a JSON array text, or one plain value, becomes a list) whose
 *       items follow the same rules; an empty list counts as absent.
 * </ul>
 */
final class InputResolver {

    private static final ObjectMapper JSON = new ObjectMapper();

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
            if (field.multiple() && value != null) {
                value = asList(value);
                if (((List<?>) value).isEmpty()) {
                    out.remove(name);
                    value = null;
                }
            }
            if (value == null) {
                if (field.defaultValue() != null) {
                    out.put(name, field.defaultValue());
                } else if (field.required()) {
                    fields.add(name);
                    problems.add("input." + name + ": required");
                }
                return;
            }
            String problem = null;
            Object converted;
            if (field.multiple()) {
                var items = new ArrayList<Object>();
                for (Object item : (List<?>) value) {
                    Object one = convertOne(field, item);
                    if (one == null) {
                        problem = problem(field, item);
                        break;
                    }
                    items.add(one);
                }
                converted = items;
            } else {
                converted = convertOne(field, value);
                if (converted == null) {
                    problem = problem(field, value);
                }
            }
            if (problem != null) {
                fields.add(name);
                problems.add("input." + name + ": " + problem);
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

    private static List<?> asList(Object value) {
        if (value instanceof List<?> list) {
            return list;
        }
        if (value instanceof String text && text.strip().startsWith("[")) {
            try {
                return JSON.readValue(text, List.class);
            } catch (JsonProcessingException e) {
                // Not JSON after all: one value that happens to start with '['.
            }
        }
        return List.of(value);
    }

    /** @return the value converted to the field's type, or null when it does not fit the type or the options */
    private static Object convertOne(InputField field, Object value) {
        Object converted = convert(field.type(), value);
        if (converted == null || field.restrictedToOptions() && !field.options().contains(String.valueOf(converted))) {
            return null;
        }
        return converted;
    }

    private static String problem(InputField field, Object value) {
        if (convert(field.type(), value) == null) {
            return "expected " + article(field.type()) + ", got " + describe(value);
        }
        return describe(value) + " is not one of " + String.join(", ", field.options());
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
            case "date":
                return value instanceof String text && isDate(text) ? value : null;
            case "datetime":
                return value instanceof String text && isDateTime(text) ? value : null;
            default:
                // string and text: the original passes any value on (a webhook body's object, say).
                return value;
        }
    }

    private static boolean isDate(String text) {
        try {
            LocalDate.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** What a browser's datetime-local sends ({@code 2026-01-15T14:30}), with or without seconds and an offset. */
    private static boolean isDateTime(String text) {
        try {
            LocalDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            try {
                OffsetDateTime.parse(text);
                return true;
            } catch (DateTimeParseException e2) {
                return false;
            }
        }
    }

    private static String article(String type) {
        return switch (type) {
            case "integer" -> "an integer";
            case "number" -> "a number";
            case "boolean" -> "true or false";
            case "date" -> "a date (YYYY-MM-DD)";
            case "datetime" -> "a date and time (YYYY-MM-DDTHH:MM)";
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
