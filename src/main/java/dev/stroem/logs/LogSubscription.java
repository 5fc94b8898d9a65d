package dev.stroem.logs;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One viewer of a job's log: a position (the global index of the next line to send) and a
 * delivery loop that sends what lies beyond it, one frame at a time, in order, each line once.
 *
 * <p>The loop runs on the hub's delivery threads, never on the appending thread: an append only
 * {@linkplain #wake() wakes} the viewer. At most one frame is outstanding; the next one is
 * built when the sink reports the previous one sent, from whatever is there by then (the ring, or
 * the log file for a viewer that fell behind it). So a slow viewer costs the others nothing and
 * loses nothing: it is simply further behind.
 *
 * <p>With {@code control=true}, frames are the envelopes of docs/api.md: a {@code position}
 * first, {@code lines} with {@code first}/{@code next}, a {@code position} when lines were
 * filtered out, and {@code end} before the close.
 */
public final class LogSubscription {

    private static final Logger log = LoggerFactory.getLogger(LogSubscription.class);

    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int CLOSED = 2;
    /** Frames one viewer may send in a row before the delivery thread turns to the next viewer. */
    private static final int BURST = 16;

    private final String jobId;
    private final LiveSource source;
    private final LiveFrameSink sink;
    private final Executor executor;
    private final ControlFrames control;
    private final int frameBytes;
    private final Runnable detach;

    /** IDLE: waiting for a signal; RUNNING: the loop is scheduled, running or has a frame outstanding. */
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final AtomicBoolean detached = new AtomicBoolean();
    private final AtomicBoolean sourceClosed = new AtomicBoolean();

    /** Only the delivery loop (one thread at a time) writes these. */
    private volatile long position;
    private long reported = -1;

    LogSubscription(String jobId, long from, LiveSource source, LiveFrameSink sink, Executor executor,
                    ControlFrames control, int frameBytes, Runnable detach) {
        this.jobId = jobId;
        this.position = from;
        this.source = source;
        this.sink = sink;
        this.executor = executor;
        this.control = control;
        this.frameBytes = frameBytes;
        this.detach = detach;
    }

    /** The job this viewer watches. */
    public String jobId() {
        return jobId;
    }

    /** The position of the next line this viewer will be sent. */
    public long position() {
        return position;
    }

    /** Stops the stream (the socket closed): no more frames; resources are released. Idempotent. */
    public void cancel() {
        int previous = state.getAndSet(CLOSED);
        detachOnce();
        if (previous == IDLE) {
            closeSource(); // no loop owns the source: release it here
        }
    }

    void start() {
        executor.execute(this::deliver);
    }

    /**
     * New lines or the end may be there: cheap, never blocks (called under the store's job lock).
     *
     * @return true when the caller must now {@link #deliver()} this viewer (it was waiting);
     *         false when its loop is already going and will see the news
     */
    boolean wake() {
        if (signalled.getAndSet(true)) {
            return false;
        }
        return state.compareAndSet(IDLE, RUNNING);
    }

    /** Sends what is there, a frame at a time; runs on a delivery thread, for one viewer at a time. */
    void deliver() {
        int burst = 0;
        try {
            while (true) {
                if (state.get() == CLOSED) {
                    closeSource();
                    return;
                }
                signalled.set(false);
                if (control != null && reported < 0) {
                    reported = position;
                    if (sentInline(control.position(position), ++burst)) {
                        continue;
                    }
                    return;
                }
                LiveSource.Step step = source.poll(position, frameBytes);
                if (step instanceof LiveSource.Lines lines) {
                    long first = control != null ? reported : position;
                    position = lines.next();
                    if (!lines.jsonl().hasRemaining()) {
                        continue; // every line filtered out: look further
                    }
                    reported = position;
                    if (sentInline(control != null ? control.lines(first, lines.next(), lines.jsonl()) : lines.jsonl(), ++burst)) {
                        continue;
                    }
                    return;
                }
                if (step instanceof LiveSource.End end) {
                    position = Math.max(position, end.next());
                    if (control != null) {
                        send(control.end(end.status(), position), true);
                    } else {
                        finish();
                    }
                    return;
                }
                // Wait.
                if (control != null && reported != position) {
                    reported = position;
                    if (sentInline(control.position(position), ++burst)) {
                        continue;
                    }
                    return;
                }
                if (!state.compareAndSet(RUNNING, IDLE)) {
                    closeSource();
                    return;
                }
                // A signal that came after the poll found nothing would otherwise be lost.
                if (!signalled.get() || !state.compareAndSet(IDLE, RUNNING)) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            log.warn("Live log stream of job {} failed at position {}: {}", jobId, position, e.toString(), e);
            state.set(CLOSED);
            detachOnce();
            closeSource();
            sink.aborted(e);
        }
    }

    /**
     * Sends a frame; true when the loop should go on at once on this thread: the socket took the frame
     * at once and this viewer has not had its turn's worth of frames yet ({@link #BURST}, so one
     * fast viewer catching up a long log does not keep a delivery thread from the others).
     */
    private boolean sentInline(ByteBuffer frame, int burst) {
        if (!send(frame, false)) {
            return false;
        }
        if (burst < BURST) {
            return true;
        }
        executor.execute(this::deliver);
        return false;
    }

    /**
     * Hands a frame to the sink. Returns true when the sink reported it sent before returning (the
     * socket took it at once): the caller then simply goes on, instead of a new task per frame.
     */
    private boolean send(ByteBuffer frame, boolean last) {
        if (last) {
            sink.send(frame, this::finish, this::sendFailed);
            return false;
        }
        var handoff = new Handoff();
        sink.send(frame, handoff, this::sendFailed);
        return handoff.returned();
    }

    /** The completion of one frame: continues the loop on the calling thread when it is still there. */
    private final class Handoff implements Runnable {
        private final AtomicInteger state = new AtomicInteger(); // 0 sending, 1 sent inline, 2 returned

        @Override
        public void run() {
            if (!state.compareAndSet(0, 1)) {
                executor.execute(LogSubscription.this::deliver); // sent later, from the network's thread
            }
        }

        /** Called after {@code sink.send} returned: true when the frame was already sent. */
        boolean returned() {
            return !state.compareAndSet(0, 2);
        }
    }

    private void sendFailed(Throwable cause) {
        // The socket is gone; its close handler cancels too. Nothing more to send.
        state.set(CLOSED);
        detachOnce();
        closeSource();
    }

    private void finish() {
        state.set(CLOSED);
        detachOnce();
        closeSource();
        sink.finished();
    }

    private void detachOnce() {
        if (detached.compareAndSet(false, true)) {
            detach.run();
        }
    }

    private void closeSource() {
        if (sourceClosed.compareAndSet(false, true)) {
            try {
                source.close();
            } catch (RuntimeException e) {
                log.debug("closing the live log source of job {} failed: {}", jobId, e.toString());
            }
        }
    }
}
