package dev.stroem.workflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unmodifiable copies that keep file order and tolerate null values (YAML {@code key: ~}),
 * which {@link Map#copyOf} and {@link List#copyOf} reject.
 */
final class OrderedCopies {
    private OrderedCopies() {}

    static <K, V> Map<K, V> map(Map<K, V> source) {
        return source == null || source.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(source));
    }

    static <T> List<T> list(List<T> source) {
        return source == null || source.isEmpty() ? List.of() : Collections.unmodifiableList(new ArrayList<>(source));
    }
}
