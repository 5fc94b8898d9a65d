package dev.stroem.logs;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a {@link LogCursor} into frames of whole lines of about a given size, for viewers served
 * from storage (a viewer catching up, a finished job's log). Owns and closes the cursor.
 */
final class CursorPager implements AutoCloseable {

    /**
     * One page.
     *
     * @param jsonl     the lines, each followed by {@code \n} (empty when none matched)
     * @param next      position after the last line examined
     * @param exhausted whether the cursor has nothing more
     */
    record Page(ByteBuffer jsonl, long next, boolean exhausted) {}

    private final LogCursor cursor;
    private LogRecord carry;

    CursorPager(LogCursor cursor) {
        this.cursor = cursor;
    }

    /** The next lines from {@code position} on, at most {@code maxBytes} unless one line alone is larger. */
    Page next(long position, int maxBytes) {
        var out = new ByteArrayOutputStream(Math.min(maxBytes, 16 * 1024));
        long next = position;
        while (true) {
            LogRecord r = carry;
            carry = null;
            if (r == null) {
                if (!cursor.hasNext()) {
                    return new Page(ByteBuffer.wrap(out.toByteArray()), Math.max(next, cursor.nextOffset()), true);
                }
                r = cursor.next();
            }
            byte[] text = r.text().getBytes(StandardCharsets.UTF_8);
            if (out.size() > 0 && out.size() + text.length + 1 > maxBytes) {
                carry = r;
                return new Page(ByteBuffer.wrap(out.toByteArray()), next, false);
            }
            out.write(text, 0, text.length);
            out.write('\n');
            next = r.index() + 1;
        }
    }

    @Override
    public void close() {
        cursor.close();
    }
}
