package dev.stroem.web;

import dev.stroem.logs.LogCursor;
import java.io.Reader;

/**
 * The text of a log read as one character stream ({@code line\n} per record), so the JSON
 * envelope of a log answer can be written while the lines are read.
 */
final class LogLinesReader extends Reader {
    private final LogCursor cursor;
    private String current = "";
    private int pos;

    LogLinesReader(LogCursor cursor) {
        this.cursor = cursor;
    }

    @Override
    public int read(char[] buf, int off, int len) {
        if (len == 0) {
            return 0;
        }
        int written = 0;
        while (written < len) {
            if (pos == current.length()) {
                if (!cursor.hasNext()) {
                    break;
                }
                current = cursor.next().text() + '\n';
                pos = 0;
            }
            int n = Math.min(len - written, current.length() - pos);
            current.getChars(pos, pos + n, buf, off + written);
            pos += n;
            written += n;
        }
        return written == 0 ? -1 : written;
    }

    @Override
    public void close() {
        // The cursor belongs to the read that opened it.
    }
}
