package dev.stroem.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LocalLogSync;
import dev.stroem.logs.LogQuery;
import dev.stroem.logs.LogStream;
import java.util.Map;
import java.util.Optional;

/**
 * A step's output, read from its log as the original Strøm defines it: the JSON object on the
 * last stdout line that starts with {@code OUTPUT: }. The log is the authority, not the worker.
 */
public final class StepOutputReader {
    static final String PREFIX = "OUTPUT: ";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final LocalLogStore store;
    private final ObjectMapper json;
    private final LocalLogSync sync;

    public StepOutputReader(LocalLogStore store, ObjectMapper json) {
        this(store, json, LocalLogSync.NONE);
    }

    /** @param sync brings the local copy up to date first (replicas: the step's lines may have gone to another one) */
    public StepOutputReader(LocalLogStore store, ObjectMapper json, LocalLogSync sync) {
        this.store = store;
        this.json = json;
        this.sync = sync;
    }

    /** The step's output, or empty when it printed no valid {@code OUTPUT:} object. */
    public Optional<Map<String, Object>> read(String jobId, String stepName) {
        sync.catchUp(jobId);
        if (!store.exists(jobId)) {
            return Optional.empty();
        }
        String last = null;
        try (var cursor = store.read(jobId, LogQuery.all().withStep(stepName).withStream(LogStream.STDOUT))) {
            while (cursor.hasNext()) {
                String text = store.codec().decode(cursor.next().text()).line();
                if (text.startsWith(PREFIX)) {
                    last = text;
                }
            }
        }
        return last == null ? Optional.empty() : parse(last.substring(PREFIX.length()));
    }

    Optional<Map<String, Object>> parse(String text) {
        try {
            return Optional.ofNullable(json.readValue(text.trim(), MAP));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
