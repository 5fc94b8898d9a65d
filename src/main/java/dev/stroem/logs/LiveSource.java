package dev.stroem.logs;

import java.nio.ByteBuffer;

/** Where a {@link LogSubscription} gets its lines: a running job's feed, or a finished job's read. */
interface LiveSource extends AutoCloseable {

    /** What {@link #poll} found. */
    sealed interface Step {}

    /**
     * Lines from {@code position} to {@code next}: {@code jsonl} holds those that match the
     * viewer's step filter (possibly none), each followed by {@code \n}; it is array-backed.
     */
    record Lines(ByteBuffer jsonl, long next) implements Step {}

    /** Nothing beyond the position yet; a signal comes when there is. */
    record Wait() implements Step {}

    /** Nothing beyond {@code next}, ever: the job ended with {@code status}. */
    record End(String status, long next) implements Step {}

    Wait WAIT = new Wait();

    /** The lines at {@code position} and after, up to about {@code maxBytes}. May block on I/O. */
    Step poll(long position, int maxBytes);

    /** Releases open files; called once, by the thread that polls. */
    @Override
    void close();
}
