package dev.stroem.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A real WebSocket client of the live log stream (Jetty's WebSocket client, which checks every frame
 * and the UTF-8 of every text message) that records every text message. It can stop reading
 * ({@link #pause()}): it then demands no more frames, so the server's frames pile up in the network
 * until it {@link #resume()}s, like a stalled browser tab.
 *
 * <p>Not the JDK's {@code java.net.http.WebSocket}: under a full test run it once reported invalid
 * UTF-8 in an all-ASCII stream that no isolated run could reproduce. Public because Jetty calls
 * its listener methods reflectively.
 */
public final class StreamClient implements Session.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WebSocketClient WS = startedClient();

    private final List<String> frames = new ArrayList<>();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private volatile String closeReason;
    private volatile boolean paused;
    private final AtomicInteger pings = new AtomicInteger();
    private volatile Session socket;

    private StreamClient() {}

    private static WebSocketClient startedClient() {
        var client = new WebSocketClient();
        client.setIdleTimeout(Duration.ofMinutes(5)); // the server's liveness checks are under test, not ours
        client.setMaxTextMessageSize(64L * 1024 * 1024);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the WebSocket client: " + e, e);
        }
        return client;
    }

    public static StreamClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    static StreamClient connect(URI uri, Map<String, String> headers) {
        var client = new StreamClient();
        var request = new ClientUpgradeRequest();
        headers.forEach(request::setHeader);
        try {
            client.socket = WS.connect(client, uri, request).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("connect to " + uri + " failed: " + e.getCause(), e.getCause());
        } catch (IOException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException("connect to " + uri + " failed: " + e, e);
        }
        return client;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        socket = session;
        session.demand();
    }

    @Override
    public void onWebSocketText(String message) {
        synchronized (this) {
            frames.add(message);
        }
        demandUnlessPaused();
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        pings.incrementAndGet();
        socket.sendPong(payload, Callback.NOOP);
        demandUnlessPaused();
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        demandUnlessPaused();
    }

    private void demandUnlessPaused() {
        if (!paused) {
            socket.demand();
        }
    }

    /** Pings received from the server. */
    int pings() {
        return pings.get();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closeReason = reason;
        closed.complete(new int[] {statusCode});
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable error) {
        if (error instanceof IOException) {
            closed.complete(new int[] {1006}); // the connection was lost without a close frame (RFC 6455's 1006)
        } else {
            closed.completeExceptionally(error); // a protocol or payload error: the test must see it
        }
    }

    /** Stops reading after the message being delivered now. */
    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
        socket.demand();
    }

    public synchronized List<String> frames() {
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
    public int closeCode() {
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
        socket.close(1000, "bye", Callback.NOOP);
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.disconnect();
        }
    }
}
