package dev.stroem.workflow;

import java.util.Map;
import java.util.Set;

/**
 * A named connection of the workspace ({@code connections:}), resolved at load: its type's defaults
 * applied and its templates ({@code | vals}, {@code get_env}, {@code secret.*}) rendered. A task input
 * whose type is a connection type takes its name and the job gets {@link #values}.
 *
 * @param type the connection type's name, or null for an untyped connection (usable for any type)
 * @param secretFields the fields the type marks {@code secret: true}: their values are masked
 */
public record Connection(String name, String type, Map<String, Object> values, Set<String> secretFields) {

    public Connection {
        values = OrderedCopies.map(values);
        secretFields = Set.copyOf(secretFields);
    }

    /** Connection values are secrets as far as logs go: never printed whole. */
    @Override
    public String toString() {
        return "Connection[" + name + (type == null ? "" : ": " + type) + "]";
    }
}
