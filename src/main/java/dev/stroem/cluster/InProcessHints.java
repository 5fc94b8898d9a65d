package dev.stroem.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ClusterHints} of a single server: a hint goes straight to this process's listeners. */
public final class InProcessHints implements ClusterHints {
    private static final Logger log = LoggerFactory.getLogger(InProcessHints.class);

    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();

    @Override
    public void publish(String topic, String payload) {
        deliver(topic, payload);
    }

    @Override
    public void subscribe(String topic, Consumer<String> listener) {
        listeners.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(listener);
    }

    /** Hands {@code payload} to the listeners of {@code topic}; one failing listener does not stop the others. */
    void deliver(String topic, String payload) {
        for (var listener : listeners.getOrDefault(topic, List.of())) {
            try {
                listener.accept(payload);
            } catch (RuntimeException e) {
                log.warn("listener of cluster hint {} failed: {}", topic, e.toString());
            }
        }
    }

    /** Tells every listener of every topic to catch up (hints may have been missed). */
    void deliverCatchUp() {
        listeners.keySet().forEach(topic -> deliver(topic, null));
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
