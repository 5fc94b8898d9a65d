package dev.stroem.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Applies a {@link LogQuery} to a source that can only be read forward once (an archived,
 * merged or legacy log). Plain reads stream; tail reads keep only the last {@code tail} lines or
 * {@code tailBytes} bytes while reading to the end, so memory is bounded by the tail asked for.
 */
final class SequentialQuery {

    private SequentialQuery() {}

    /** The cursor of {@code query} over {@code source}, whose first line has index 0. Takes ownership of {@code source}. */
    static LogCursor open(LineSource source, LogQuery query, LineFilter filter, boolean structured) {
        if (query.tail() == null && query.tailBytes() == null) {
            long limit = query.limit() == null ? Long.MAX_VALUE : query.limit();
            return new ForwardCursor(source, 0, query.offset(), filter, structured, limit, null, null);
        }
        try (source) {
            return query.tail() != null
                    ? tail(source, query.offset(), query.tail(), filter, structured)
                    : tailBytes(source, query.offset(), query.tailBytes(), filter, structured);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LogCursor tail(LineSource source, long offset, int n, LineFilter filter, boolean structured)
            throws IOException {
        ArrayDeque<LogRecord> last = new ArrayDeque<>(Math.min(n, 1024));
        long index = 0;
        for (; source.next(); index++) {
            if (index < offset || n == 0
                    || !filter.matches(source.buffer(), source.offset(), source.length(), structured)) {
                continue;
            }
            if (last.size() == n) {
                last.removeFirst();
            }
            last.addLast(record(source, index));
        }
        return new BufferedCursor(last, Math.max(index, offset), null);
    }

    private static LogCursor tailBytes(LineSource source, long offset, long budget, LineFilter filter,
                                       boolean structured) throws IOException {
        ArrayDeque<LogRecord> last = new ArrayDeque<>();
        ArrayDeque<Integer> sizes = new ArrayDeque<>();
        long total = 0;
        long kept = 0;
        long index = 0;
        for (; source.next(); index++) {
            if (index < offset || !filter.matches(source.buffer(), source.offset(), source.length(), structured)) {
                continue;
            }
            int size = source.length() + 1;
            total += size;
            if (size > budget) {
                // This line alone is over the budget, so no earlier line can be part of the tail either.
                last.clear();
                sizes.clear();
                kept = 0;
                continue;
            }
            last.addLast(record(source, index));
            sizes.addLast(size);
            kept += size;
            while (kept > budget) {
                last.removeFirst();
                kept -= sizes.removeFirst();
            }
        }
        return new BufferedCursor(last, Math.max(index, offset), new ByteWindow(total, kept, kept < total));
    }

    private static LogRecord record(LineSource s, long index) {
        return new LogRecord(index, new String(s.buffer(), s.offset(), s.length(), StandardCharsets.UTF_8));
    }
}
