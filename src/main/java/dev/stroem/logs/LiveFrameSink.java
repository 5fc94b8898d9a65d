package dev.stroem.logs;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Where a {@link LogSubscription} puts its frames: one viewer's socket. The subscription never has
 * more than one frame outstanding, so a slow viewer holds back only itself.
 */
public interface LiveFrameSink {

    /**
     * Sends one text frame (UTF-8) without blocking. Exactly one of the callbacks runs once the
     * frame was handed to the network or could not be; it may run on the calling thread.
     * {@code frame} may share its bytes with other viewers: do not modify them.
     */
    void send(ByteBuffer frame, Runnable sent, Consumer<Throwable> failed);

    /** The job ended and every line was sent: close normally. */
    void finished();

    /** The stream cannot go on (its log cannot be read): close with an error. */
    void aborted(Throwable cause);
}
