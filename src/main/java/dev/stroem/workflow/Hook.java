package dev.stroem.workflow;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One entry of {@code on_success}, {@code on_error} or {@code on_cancel}: a named action run as a
 * hook job, with input templates that see the {@code hook.*} context.
 */
public record Hook(@JsonProperty("action") String action, @JsonProperty("input") Map<String, Object> input) {
    public Hook {
        input = OrderedCopies.map(input);
    }
}
