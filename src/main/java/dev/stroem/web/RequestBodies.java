package dev.stroem.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * Reads a JSON request body into a record, turning Jackson's failures into a 400 whose
 * sentence names the field ({@code lines[2].stream: expected a string}).
 */
final class RequestBodies {
    private final ObjectMapper json;

    RequestBodies(ObjectMapper json) {
        this.json = json;
    }

    /** The body as {@code type}; an empty body reads as {@code emptyValue}. */
    <T> T read(Context ctx, Class<T> type, T emptyValue) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            if (emptyValue != null) {
                return emptyValue;
            }
            throw new BadRequestResponse("request body is empty: a JSON object is expected");
        }
        try {
            T value = json.readValue(body, type);
            if (value == null) {
                throw new BadRequestResponse("request body must be a JSON object, not null");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new BadRequestResponse(path(e, e.getPropertyName()) + ": unknown field");
        } catch (MismatchedInputException e) {
            String path = path(e, null);
            throw new BadRequestResponse((path.isEmpty() ? "request body" : path) + ": expected "
                    + expected(e.getTargetType()));
        } catch (JsonMappingException e) {
            // Broken JSON deep inside a value arrives wrapped in a mapping exception: it is still broken JSON.
            if (e.getCause() instanceof StreamReadException syntax) {
                throw notJson(syntax);
            }
            throw new BadRequestResponse(path(e, null) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw new BadRequestResponse("request body could not be read: " + e.getMessage());
        }
    }

    static BadRequestResponse notJson(JsonProcessingException e) {
        var where = e.getLocation();
        return new BadRequestResponse("request body is not valid JSON"
                + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")")
                + ": " + e.getOriginalMessage());
    }

    static BadRequestResponse required(String field) {
        return new BadRequestResponse(field + ": required");
    }

    private static String path(JsonMappingException e, String last) {
        var out = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        if (last != null && (e.getPath().isEmpty() || !last.equals(e.getPath().get(e.getPath().size() - 1).getFieldName()))) {
            out.append(out.length() == 0 ? "" : ".").append(last);
        }
        return out.toString();
    }

    private static String expected(Class<?> target) {
        if (target == null) {
            return "a different value";
        }
        if (target == String.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(target) || target == int.class || target == long.class) {
            return "a number";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "true or false";
        }
        if (java.util.Collection.class.isAssignableFrom(target)) {
            return "a list";
        }
        return "an object";
    }
}
