package dev.stroem.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import java.io.IOException;

/**
 * Finds a step's output as the server does: the last stdout line starting with {@code OUTPUT: }
 * whose rest is a JSON object. The server reads it from the log; the worker sends it along for
 * servers that take it from the completion.
 */
public final class StepOutputScanner {

    private static final String PREFIX = "OUTPUT: ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile JsonNode output;

    public void accept(LogLine line) {
        if (line.stream() != LogStream.STDOUT || !line.line().startsWith(PREFIX)) {
            return;
        }
        try {
            JsonNode value = JSON.readTree(line.line().substring(PREFIX.length()));
            if (value != null && value.isObject()) {
                output = value;
            }
        } catch (IOException notJson) {
            // An OUTPUT: line that is not JSON is just a line.
        }
    }

    public JsonNode output() {
        return output;
    }
}
