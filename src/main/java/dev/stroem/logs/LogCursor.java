package dev.stroem.logs;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Optional;

/**
 * The lines of a read, streamed: memory stays bounded whatever the size of the log. Close it
 * (try-with-resources) to release the file or stream behind it. I/O failures while iterating
 * surface as {@link java.io.UncheckedIOException}.
 */
public interface LogCursor extends Iterator<LogRecord>, Closeable {

    /**
     * The global index to continue from in a later read: after the last line examined once the
     * cursor is exhausted, or after the last returned line when iteration stopped early (limit).
     * A poller passes it as the next {@link LogQuery#offset()}.
     */
    long nextOffset();

    /** For {@code tailBytes} reads, how much was returned out of how much; empty otherwise. */
    Optional<ByteWindow> byteWindow();

    /**
     * Writes the remaining lines as NDJSON (each followed by {@code \n}) to {@code out}, e.g. a raw
     * download; does not close {@code out}.
     *
     * @return the number of lines written
     */
    default long writeTo(OutputStream out) throws IOException {
        long n = 0;
        while (hasNext()) {
            out.write(next().text().getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            n++;
        }
        return n;
    }

    @Override
    void close();
}
