package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Lays {@code STROEM__A__B__C=value} environment variables over the YAML tree at {@code a.b.c}
 * before it is bound to the config records. The value stays a string for scalars (Jackson
 * coerces it to the field's type and reports a mismatch with the field's path); for list fields
 * it becomes a list, given as a YAML/JSON flow list or comma-separated; for sections a YAML flow
 * mapping ({@code {a: 1}}) is accepted.
 */
final class EnvOverrides {

    static final String PREFIX = "STROEM__";
    private static final String SEPARATOR = "__";

    private final ObjectMapper yaml;

    EnvOverrides(ObjectMapper yaml) {
        this.yaml = yaml;
    }

    /**
     * Applies every {@code STROEM__} variable of {@code env} to {@code root}, except those whose
     * first section is in {@code ignoredRoots}, and answers which variable set which path.
     */
    Map<String, String> apply(ObjectNode root, Class<?> configType, Map<String, String> env, Set<String> ignoredRoots) {
        var applied = new LinkedHashMap<String, String>();
        // Sorted, so that the outcome does not depend on the environment's iteration order.
        for (var entry : new TreeMap<>(env).entrySet()) {
            String variable = entry.getKey();
            if (!variable.startsWith(PREFIX)) {
                continue;
            }
            String[] segments = variable.substring(PREFIX.length()).toLowerCase(Locale.ROOT).split(SEPARATOR, -1);
            if (Arrays.stream(segments).anyMatch(String::isEmpty)) {
                throw ConfigException.at(variable, "environment variable name has an empty section (sections are separated by exactly \"__\")");
            }
            if (ignoredRoots.contains(segments[0])) {
                continue;
            }
            String path = String.join(".", segments);
            set(root, configType, segments, entry.getValue(), variable, path);
            applied.put(path, variable);
        }
        return applied;
    }

    private void set(ObjectNode root, Class<?> configType, String[] segments, String value, String variable, String path) {
        ObjectNode parent = root;
        Type type = configType;
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            type = childType(type, segment);
            boolean leaf = i == segments.length - 1;
            if (leaf) {
                parent.set(segment, valueNode(type, value, path, variable));
                return;
            }
            if (type != null && isList(type)) {
                throw ConfigException.at(path, "cannot set a single list entry; set the whole list in "
                        + PREFIX + String.join(SEPARATOR, Arrays.copyOf(segments, i + 1)).toUpperCase(Locale.ROOT)
                        + " (set by environment variable " + variable + ")");
            }
            JsonNode child = parent.get(segment);
            if (child == null || child.isNull()) {
                parent = parent.putObject(segment);
            } else if (child instanceof ObjectNode section) {
                parent = section;
            } else {
                String at = String.join(".", Arrays.copyOf(segments, i + 1));
                throw ConfigException.at(at, "is a single value, so it has no field \"" + segments[i + 1]
                        + "\" to set (set by environment variable " + variable + ")");
            }
        }
    }

    private JsonNode valueNode(Type type, String value, String path, String variable) {
        var nodes = JsonNodeFactory.instance;
        String trimmed = value.strip();
        if (type != null && isList(type)) {
            if (trimmed.startsWith("[")) {
                JsonNode parsed = parseFlow(trimmed, path, variable, "a list like [\"a\",\"b\"] or a,b");
                if (!parsed.isArray()) {
                    throw ConfigException.at(path, "expected a list like [\"a\",\"b\"] or a,b, got \"" + value
                            + "\" (set by environment variable " + variable + ")");
                }
                return parsed;
            }
            ArrayNode list = nodes.arrayNode();
            Arrays.stream(trimmed.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(list::add);
            return list;
        }
        if (type != null && isSection(type) && trimmed.startsWith("{")) {
            return parseFlow(trimmed, path, variable, "a mapping like {key: value}");
        }
        // An empty variable means "no value": the default applies, or a required field is reported missing.
        if (value.isEmpty()) {
            return nodes.nullNode();
        }
        return nodes.textNode(value);
    }

    private JsonNode parseFlow(String text, String path, String variable, String expected) {
        try {
            return yaml.readTree(text);
        } catch (JsonProcessingException e) {
            throw ConfigException.at(path, "expected " + expected + ", got \"" + text
                    + "\" (set by environment variable " + variable + ")", e);
        }
    }

    /** The Java type of {@code segment} inside {@code parent}, or null when unknown (Jackson then reports it). */
    private static Type childType(Type parent, String segment) {
        if (parent instanceof Class<?> c && c.isRecord()) {
            for (RecordComponent component : c.getRecordComponents()) {
                if (jsonName(component).equals(segment)) {
                    return component.getGenericType();
                }
            }
            return null;
        }
        if (parent instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw && Map.class.isAssignableFrom(raw)) {
            return p.getActualTypeArguments()[1];
        }
        return null;
    }

    /** The JSON name of a record component: {@code @JsonProperty} lands on the accessor, not on the component. */
    static String jsonName(RecordComponent component) {
        JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
        return property != null && !property.value().isEmpty() ? property.value() : component.getName();
    }

    private static boolean isList(Type type) {
        Type raw = type instanceof ParameterizedType p ? p.getRawType() : type;
        return raw instanceof Class<?> c && Collection.class.isAssignableFrom(c);
    }

    private static boolean isSection(Type type) {
        Type raw = type instanceof ParameterizedType p ? p.getRawType() : type;
        return raw instanceof Class<?> c && (c.isRecord() || Map.class.isAssignableFrom(c));
    }
}
