package dev.stroem.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The structured state a step prints, as the original reads it: stdout lines {@code STATE: {…}}
 * (task state) and {@code GLOBAL_STATE: {…}} (workspace state), each a JSON object; several lines
 * are deep-merged, a later value winning over an earlier one. A line whose rest is not a JSON
 * object is just a line.
 */
final class StateLines implements Consumer<LogLine> {

    private static final String TASK_PREFIX = "STATE: ";
    private static final String GLOBAL_PREFIX = "GLOBAL_STATE: ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ObjectNode task;
    private ObjectNode global;

    @Override
    public synchronized void accept(LogLine line) {
        if (line.stream() != LogStream.STDOUT) {
            return;
        }
        String text = line.line();
        if (text.startsWith(TASK_PREFIX)) {
            task = merge(task, text.substring(TASK_PREFIX.length()));
        } else if (text.startsWith(GLOBAL_PREFIX)) {
            global = merge(global, text.substring(GLOBAL_PREFIX.length()));
        }
    }

    /** The merged {@code STATE:} object, or null when the step printed none. */
    synchronized ObjectNode task() {
        return task == null ? null : task.deepCopy();
    }

    /** The merged {@code GLOBAL_STATE:} object, or null when the step printed none. */
    synchronized ObjectNode global() {
        return global == null ? null : global.deepCopy();
    }

    private static ObjectNode merge(ObjectNode into, String text) {
        JsonNode value;
        try {
            value = JSON.readTree(text);
        } catch (IOException notJson) {
            return into;
        }
        if (value == null || !value.isObject()) {
            return into;
        }
        ObjectNode target = into == null ? JSON.createObjectNode() : into;
        deepMerge(target, (ObjectNode) value);
        return target;
    }

    /** Objects merge key by key, at every depth; anything else replaces what was there. */
    static void deepMerge(ObjectNode target, ObjectNode update) {
        for (Iterator<Map.Entry<String, JsonNode>> it = update.fields(); it.hasNext(); ) {
            var field = it.next();
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode old && field.getValue() instanceof ObjectNode newer) {
                deepMerge(old, newer);
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }
}
