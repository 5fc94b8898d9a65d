package dev.stroem.storage;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Observes every HTTP request the SDK sends (operation and headers as they go on the wire). Changes nothing. */
public final class RecordingInterceptor implements ExecutionInterceptor {

    public record SentRequest(String operation, Map<String, List<String>> headers) {
        boolean hasHeaderStartingWith(String prefix) {
            return headers.keySet().stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix));
        }

        /** Payload bytes: {@code x-amz-decoded-content-length} for aws-chunked (signed chunks), else Content-Length. */
        long payloadLength() {
            return header("x-amz-decoded-content-length").or(() -> header("Content-Length")).map(Long::parseLong).orElse(-1L);
        }

        Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst();
        }
    }

    private final List<SentRequest> sent = new CopyOnWriteArrayList<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        sent.add(new SentRequest(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                Map.copyOf(context.httpRequest().headers())));
    }

    public List<SentRequest> sent() {
        return List.copyOf(sent);
    }

    public List<SentRequest> sent(String operation) {
        return sent.stream().filter(r -> r.operation().equals(operation)).toList();
    }

    public void clear() {
        sent.clear();
    }
}
