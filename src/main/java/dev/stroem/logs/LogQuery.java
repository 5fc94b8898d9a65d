package dev.stroem.logs;

/**
 * Which lines of a job's log a read returns.
 *
 * <ul>
 *   <li>{@code step}: only lines whose decoded {@code step} field equals this exactly
 *       ({@code "say"} never matches {@code "say-hello"}, nor a line that merely mentions it); null = every step.</li>
 *   <li>{@code stream}: only lines of this stream; null = both.</li>
 *   <li>{@code offset}: the global line index to start from (lines before it are never returned).</li>
 *   <li>{@code limit}: at most this many matching lines, from the start; null = no limit.</li>
 *   <li>{@code tail}: the last N matching lines; null = not a tail read.</li>
 *   <li>{@code tailBytes}: whole matching lines from the end, at most N bytes of JSONL (newlines
 *       counted); the cursor's {@link LogCursor#byteWindow()} tells total and returned bytes.</li>
 * </ul>
 * {@code limit}, {@code tail} and {@code tailBytes} exclude each other.
 */
public record LogQuery(String step, LogStream stream, long offset, Long limit, Integer tail, Long tailBytes) {

    private static final LogQuery ALL = new LogQuery(null, null, 0, null, null, null);

    public LogQuery {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, got " + offset);
        }
        if (limit != null && limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        if (tail != null && tail < 0) {
            throw new IllegalArgumentException("tail must not be negative, got " + tail);
        }
        if (tailBytes != null && tailBytes < 0) {
            throw new IllegalArgumentException("tail_bytes must not be negative, got " + tailBytes);
        }
        int modes = (limit != null ? 1 : 0) + (tail != null ? 1 : 0) + (tailBytes != null ? 1 : 0);
        if (modes > 1) {
            throw new IllegalArgumentException("limit, tail and tail_bytes cannot be combined");
        }
    }

    /** Every line of the job. */
    public static LogQuery all() {
        return ALL;
    }

    public LogQuery withStep(String step) {
        return new LogQuery(step, stream, offset, limit, tail, tailBytes);
    }

    public LogQuery withStream(LogStream stream) {
        return new LogQuery(step, stream, offset, limit, tail, tailBytes);
    }

    public LogQuery withOffset(long offset) {
        return new LogQuery(step, stream, offset, limit, tail, tailBytes);
    }

    public LogQuery withLimit(long limit) {
        return new LogQuery(step, stream, offset, limit, tail, tailBytes);
    }

    public LogQuery withTail(int lines) {
        return new LogQuery(step, stream, offset, limit, lines, tailBytes);
    }

    public LogQuery withTailBytes(long bytes) {
        return new LogQuery(step, stream, offset, limit, tail, bytes);
    }

    /** Whether a step or stream filter applies. */
    public boolean filtered() {
        return step != null || stream != null;
    }
}
