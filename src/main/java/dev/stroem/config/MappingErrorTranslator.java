package dev.stroem.config;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns Jackson's binding exceptions into one-sentence {@link ConfigException}s that name the
 * field path ({@code log_storage.bogus: unknown field}). The path comes from the exception; what
 * was given comes from the YAML tree, so the sentence shows the user's value, not Jackson's view of it.
 */
final class MappingErrorTranslator {

    private MappingErrorTranslator() {}

    static ConfigException translate(JsonMappingException e, JsonNode root) {
        List<JsonMappingException.Reference> refs = e.getPath();
        String path = path(refs);
        if (e instanceof UnrecognizedPropertyException unknown) {
            String field = refs.isEmpty() || !unknown.getPropertyName().equals(refs.get(refs.size() - 1).getFieldName())
                    ? join(path, unknown.getPropertyName())
                    : path;
            return ConfigException.at(field, "unknown field", e);
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            JsonNode given = nodeAt(root, refs);
            return ConfigException.at(orTop(path), "expected " + expected(mismatch.getTargetType(), given)
                    + ", got " + describe(given), e);
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return ConfigException.at(orTop(path), String.valueOf(e.getCause().getMessage()), e);
        }
        return ConfigException.at(orTop(path), firstLine(e.getOriginalMessage()), e);
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        var out = new StringBuilder();
        for (var ref : refs) {
            if (ref.getFieldName() != null) {
                out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String orTop(String path) {
        return path.isEmpty() ? "(top level)" : path;
    }

    private static JsonNode nodeAt(JsonNode root, List<JsonMappingException.Reference> refs) {
        JsonNode node = root;
        for (var ref : refs) {
            if (node == null) {
                return null;
            }
            node = ref.getFieldName() != null ? node.get(ref.getFieldName()) : node.get(ref.getIndex());
        }
        return node;
    }

    private static String expected(Class<?> target, JsonNode given) {
        if (target == Long.class || target == Integer.class || target == Short.class || target == long.class
                || target == int.class) {
            return given != null && given.isFloatingPointNumber() ? "a whole number" : "a number";
        }
        if (Number.class.isAssignableFrom(target) || target == double.class) {
            return "a number";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "true or false";
        }
        if (target == String.class) {
            return "a single value";
        }
        if (Collection.class.isAssignableFrom(target) || target.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(target) || target.isRecord()) {
            return "a mapping of fields";
        }
        return "a " + target.getSimpleName();
    }

    private static String describe(JsonNode given) {
        if (given == null || given.isNull() || given.isMissingNode()) {
            return "nothing";
        }
        if (given.isTextual()) {
            return "\"" + given.asText() + "\"";
        }
        if (given.isArray()) {
            return "a list";
        }
        if (given.isObject()) {
            return "a mapping";
        }
        return given.asText();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid value";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
