package dev.stroem.web;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A live log viewer for the replica tests: follows {@code /api/jobs/{id}/logs/stream} on one server
 * and keeps every line it received across reconnects, as the web UI does: after its server went
 * away it {@link #resumeOn resumes} on another one from the first line it lacks ({@code from=N}).
 * Jetty's WebSocket client, for the reason given in {@link StreamClient}. Public because Jetty
 * calls the listener reflectively.
 */
public final class ReplicaViewer implements Session.Listener {
    private static final WebSocketClient WS = startedClient();

    private final String jobId;
    private final List<String> lines = new ArrayList<>();
    private volatile CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile Session session;

    private ReplicaViewer(String jobId) {
        this.jobId = jobId;
    }

    private static WebSocketClient startedClient() {
        var client = new WebSocketClient();
        client.setIdleTimeout(Duration.ofMinutes(5));
        client.setMaxTextMessageSize(64L * 1024 * 1024);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the WebSocket client: " + e, e);
        }
        return client;
    }

    /** Follows the job's log on the server at {@code port}, from line {@code from} (null: no {@code from}). */
    public static ReplicaViewer open(int port, String jobId, Long from) {
        var viewer = new ReplicaViewer(jobId);
        viewer.connect(port, from);
        return viewer;
    }

    private void connect(int port, Long from) {
        var uri = URI.create("ws://127.0.0.1:" + port + "/api/jobs/" + jobId + "/logs/stream"
                + (from == null ? "" : "?from=" + from));
        try {
            WS.connect(this, uri).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("connect to " + uri + " failed: " + e.getCause(), e.getCause());
        } catch (IOException | InterruptedException | TimeoutException e) {
            throw new IllegalStateException("connect to " + uri + " failed: " + e, e);
        }
    }

    /**
     * Once the connection is gone, reconnects to the server at {@code port} from the first line not
     * received, unless the stream had ended normally.
     */
    public void resumeOn(int port) {
        try {
            closed.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("the viewer's connection did not end: " + e, e);
        }
        if (ended()) {
            return;
        }
        closed = new CompletableFuture<>();
        connect(port, (long) lines().size());
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        session.demand();
    }

    @Override
    public void onWebSocketText(String message) {
        synchronized (this) {
            message.lines().forEach(lines::add);
        }
        session.demand();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closed.complete(statusCode);
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable error) {
        if (error instanceof IOException) {
            closed.complete(1006); // the connection was lost without a close frame
        } else {
            closed.completeExceptionally(error); // a protocol or payload error: the test must see it
        }
    }

    /** Every line received so far, over every connection. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Whether the server ended the stream normally (the job's log is complete). */
    public boolean ended() {
        return Integer.valueOf(1000).equals(closed.getNow(null));
    }

    /** Whether the current connection is over, however it ended. */
    public boolean closed() {
        return closed.isDone();
    }

    /** Leaves (a viewer navigating away). */
    public void disconnect() {
        var s = session;
        if (s != null && s.isOpen()) {
            s.close(1000, "bye", Callback.NOOP);
        }
    }
}
