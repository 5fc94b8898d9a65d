package dev.stroem.logs;

/**
 * The answer of {@link JobLogReader#read}: the lines, streamed, and where they came from. Close it.
 *
 * @param source where the lines come from
 * @param cursor the lines; indexes are positions in that source
 */
public record JobLogRead(LogSource source, LogCursor cursor) implements AutoCloseable {

    @Override
    public void close() {
        cursor.close();
    }
}
