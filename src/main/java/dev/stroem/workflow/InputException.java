package dev.stroem.workflow;

import java.util.List;

/**
 * The input given for a task does not fit its schema. The message names each field, e.g.
 * {@code input.name: required}; several problems are joined with "; ".
 */
public class InputException extends RuntimeException {
    private final List<String> fields;

    InputException(List<String> fields, String message) {
        super(message);
        this.fields = List.copyOf(fields);
    }

    /** A job that cannot be created as asked for a reason other than one field (a 400 all the same). */
    public InputException(String message) {
        this(List.of(), message);
    }

    /** The names of the offending fields, in schema order. */
    public List<String> fields() {
        return fields;
    }
}
