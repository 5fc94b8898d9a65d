package dev.stroem.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real WebSocket client of the live log stream ({@code java.net.http.WebSocket}) that records
 * every text frame. It can stop reading ({@link #pause()}): it then requests no more messages, so
 * the server's frames pile up in the network until it {@link #resume()}s, like a stalled browser tab.
 */
final class StreamClient implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<String> frames = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private volatile String closeReason;
    private volatile boolean paused;
    private final AtomicInteger pings = new AtomicInteger();
    private WebSocket socket;
    private String positionHeader;

    private StreamClient() {}

    static StreamClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    static StreamClient connect(URI uri, Map<String, String> headers) {
        var client = new StreamClient();
        var builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        try {
            client.socket = builder.buildAsync(uri, client).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("connect to " + uri + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("connect to " + uri + " failed: " + e, e);
        }
        return client;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public synchronized CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(partial.toString());
            partial.setLength(0);
        }
        if (!paused) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.incrementAndGet(); // the JDK answers with a pong by itself
        if (!paused) {
            webSocket.request(1);
        }
        return null;
    }

    /** Pings received from the server. */
    int pings() {
        return pings.get();
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closed.complete(new int[] {statusCode});
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    /** Stops reading after the message being delivered now. */
    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
        socket.request(1);
    }

    synchronized List<String> frames() {
        return List.copyOf(frames);
    }

    /** Every line received so far, frames being bare JSONL. */
    synchronized List<String> lines() {
        var out = new ArrayList<String>();
        for (String f : frames) {
            if (!f.endsWith("\n")) {
                throw new AssertionError("a frame does not end with a whole line: " + f);
            }
            out.addAll(LiveLogTestServer.lines(f));
        }
        return out;
    }

    /** Frames parsed as control envelopes. */
    synchronized List<JsonNode> envelopes() {
        var out = new ArrayList<JsonNode>();
        for (String f : frames) {
            try {
                out.add(JSON.readTree(f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The {@code data} of every {@code lines} envelope, split into lines. */
    List<String> envelopeLines() {
        var out = new ArrayList<String>();
        for (JsonNode e : envelopes()) {
            if ("lines".equals(e.get("type").asText())) {
                out.addAll(LiveLogTestServer.lines(e.get("data").asText()));
            }
        }
        return out;
    }

    boolean isClosed() {
        return closed.isDone();
    }

    /** The close code once the server closed (throws if the connection failed instead). */
    int closeCode() {
        try {
            return closed.get(30, TimeUnit.SECONDS)[0];
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("the stream did not close normally: " + e, e);
        }
    }

    String closeReason() {
        closeCode();
        return closeReason;
    }

    /** Closes from the client side (a viewer navigating away). */
    void disconnect() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.abort();
        }
    }
}
