package dev.stroem.web;

import dev.stroem.logs.LiveFrameSink;
import dev.stroem.logs.LogSubscription;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live log viewer's WebSocket: sends the frames of its {@link LogSubscription} and watches the
 * viewer's liveness (pings; unresponsive viewers are closed with 1008 and a reason). Public only
 * because Jetty calls its listener methods reflectively.
 */
public final class LogStreamSocket implements Session.Listener.AutoDemanding, LiveFrameSink {
    private static final Logger log = LoggerFactory.getLogger(LogStreamSocket.class);
    private static final long MIN_CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final LogStreamApi api;
    private final LogStreamApi.Prepared prepared;
    private final long pingNanos;
    private final long unresponsiveNanos;

    private volatile Session session;
    private volatile CoreSession core;
    private volatile LogSubscription subscription;
    /** When the outstanding frame was handed to Jetty; 0 when none is outstanding. */
    private volatile long sendStartedAt;
    private volatile long lastPingAt;
    /** When the oldest ping the viewer has not answered yet was sent; 0 when all are answered. */
    private volatile long unansweredPingAt;
    /** When we asked the viewer to close because it was unresponsive; 0 when we did not. */
    private volatile long closeRequestedAt;

    LogStreamSocket(LogStreamApi api, LogStreamApi.Prepared prepared) {
        this.api = api;
        this.prepared = prepared;
        this.pingNanos = api.settings.pingInterval().toNanos();
        this.unresponsiveNanos = api.settings.unresponsiveTimeout().toNanos();
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        this.core = session instanceof WebSocketSession ws ? ws.getCoreSession() : null;
        this.lastPingAt = System.nanoTime();
        // Our own checks decide when a viewer is gone; Jetty's idle timeout is only the backstop.
        session.setIdleTimeout(Duration.ofNanos(pingNanos + 2 * unresponsiveNanos));
        api.opened(this);
        try {
            subscription = api.subscribe(prepared, this);
        } catch (RuntimeException e) {
            log.warn("cannot stream the log of job {}: {}", prepared.request().jobId(), e.toString(), e);
            session.close(1011, reason("cannot read the log: " + e.getMessage()), Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        lastPingAt = System.nanoTime(); // the next ping is due a ping interval after the answer
        unansweredPingAt = 0;
    }

    @Override
    public void onWebSocketText(String message) {
        unansweredPingAt = 0; // the viewer is there; what it says is not part of the protocol
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        release();
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        log.debug("live log socket of job {} failed: {}", prepared.request().jobId(), cause.toString());
        release();
    }

    // --- LiveFrameSink -----------------------------------------------------------------------

    @Override
    public void send(ByteBuffer frame, Runnable sent, Consumer<Throwable> failed) {
        sendStartedAt = System.nanoTime();
        var done = org.eclipse.jetty.util.Callback.from(() -> {
            sendStartedAt = 0;
            api.framesSent.increment();
            sent.run();
        }, x -> {
            sendStartedAt = 0;
            failed.accept(x);
        });
        if (core != null) {
            // The frame's bytes go out as they are: no per-viewer decoding and re-encoding of the text.
            core.sendFrame(new Frame(OpCode.TEXT, true, frame), done, false);
        } else {
            session.sendText(StandardCharsets.UTF_8.decode(frame).toString(),
                    Callback.from(done::succeeded, done::failed));
        }
    }

    @Override
    public void finished() {
        session.close(1000, "job ended", Callback.NOOP);
    }

    @Override
    public void aborted(Throwable cause) {
        session.close(1011, reason("cannot read the log: " + cause.getMessage()), Callback.NOOP);
    }

    // --- liveness ----------------------------------------------------------------------------

    /** Called by the sweeper: pings, and closes a viewer that stopped responding. */
    void check(long now) {
        Session s = session;
        if (s == null) {
            return;
        }
        if (closeRequestedAt != 0) {
            if (now - closeRequestedAt > Math.max(unresponsiveNanos, MIN_CLOSE_GRACE_NANOS)) {
                s.disconnect(); // it did not even read our close frame
                release();
            }
            return;
        }
        long sending = sendStartedAt;
        long unanswered = unansweredPingAt;
        long secs = TimeUnit.NANOSECONDS.toSeconds(unresponsiveNanos);
        if (sending != 0 && now - sending > unresponsiveNanos) {
            unresponsive("viewer accepted no data for " + secs + " s; reconnect with from=<position>");
        } else if (unanswered != 0 && now - unanswered > unresponsiveNanos) {
            unresponsive("viewer answered no ping for " + secs + " s; reconnect with from=<position>");
        } else if (unanswered == 0 && now - lastPingAt >= pingNanos) {
            // One ping at a time: a viewer that does not answer it gets no more to answer later.
            lastPingAt = now;
            unansweredPingAt = now;
            s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
        }
    }

    private void unresponsive(String reason) {
        closeRequestedAt = System.nanoTime();
        api.unresponsiveDisconnects.increment();
        LogSubscription sub = subscription;
        log.info("disconnecting a live log viewer of job {} at position {}: {}", prepared.request().jobId(),
                sub == null ? "?" : sub.position(), reason);
        if (sub != null) {
            sub.cancel();
        }
        session.close(1008, reason(reason), Callback.NOOP);
    }

    /** The server stops: tell the viewer to come back (1001). */
    void shutdown() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(1001, "server shutting down", Callback.NOOP);
        }
        release();
    }

    private void release() {
        LogSubscription sub = subscription;
        if (sub != null) {
            sub.cancel();
        }
        api.closed(this);
    }

    /** Close reasons are limited to 123 bytes of UTF-8. */
    private static String reason(String text) {
        String r = text == null ? "" : text;
        while (r.getBytes(StandardCharsets.UTF_8).length > 123) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
