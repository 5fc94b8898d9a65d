package dev.stroem.logs;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;

/** A cursor over lines already collected (tail reads of sequential sources, bounded by the tail size). */
final class BufferedCursor implements LogCursor {

    private final Iterator<LogRecord> records;
    private final long nextOffset;
    private final ByteWindow window;

    BufferedCursor(ArrayDeque<LogRecord> records, long nextOffset, ByteWindow window) {
        this.records = records.iterator();
        this.nextOffset = nextOffset;
        this.window = window;
    }

    @Override
    public boolean hasNext() {
        return records.hasNext();
    }

    @Override
    public LogRecord next() {
        return records.next();
    }

    @Override
    public long nextOffset() {
        return nextOffset;
    }

    @Override
    public Optional<ByteWindow> byteWindow() {
        return Optional.ofNullable(window);
    }

    @Override
    public void close() {
        // nothing held
    }
}
