package dev.stroem.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Turns a process's output bytes into lines, as they arrive.
 *
 * <ul>
 *   <li>Bytes that are not valid UTF-8 become U+FFFD: a line is never dropped for its encoding.
 *   <li>A line ends at {@code \n}; a {@code \r} right before it belongs to the line break. The
 *       last line is delivered at end of stream even without a newline.
 *   <li>A line longer than {@link #MAX_LINE_BYTES} UTF-8 bytes is cut on a character boundary;
 *       each continuation piece starts with {@link #CONTINUATION} and no piece, marker included,
 *       exceeds the limit. So memory per stream stays bounded whatever a process prints.
 * </ul>
 */
public final class LineSplitter {

    /** The largest line, in UTF-8 bytes, the worker ships in one piece (the server's limit too). */
    public static final int MAX_LINE_BYTES = 64 * 1024;

    /** Starts every piece of a cut line but the first. */
    public static final String CONTINUATION = "↪ ";

    private static final int CONTINUATION_BYTES = (int) Utf8.length(CONTINUATION);

    private final int maxLineBytes;

    public LineSplitter() {
        this(MAX_LINE_BYTES);
    }

    LineSplitter(int maxLineBytes) {
        if (maxLineBytes < CONTINUATION_BYTES + 4) {
            throw new IllegalArgumentException("maxLineBytes too small: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** Reads {@code in} to its end, handing each line (without its line break) to {@code onLine}. */
    public void split(InputStream in, Consumer<String> onLine) throws IOException {
        // InputStreamReader with a Charset replaces malformed input rather than failing, and keeps
        // a multi-byte sequence that straddles two reads intact.
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        char[] buf = new char[8192];
        var line = new StringBuilder();
        int lineBytes = 0;
        boolean pending = false; // something (maybe an empty piece after a cut) awaits delivery
        int n;
        while ((n = reader.read(buf)) != -1) {
            for (int i = 0; i < n; i++) {
                char c = buf[i];
                if (c == '\n') {
                    onLine.accept(withoutCarriageReturn(line));
                    line.setLength(0);
                    lineBytes = 0;
                    pending = false;
                    continue;
                }
                int size = Utf8.length(c);
                if (lineBytes + size > maxLineBytes) {
                    onLine.accept(line.toString());
                    line.setLength(0);
                    line.append(CONTINUATION);
                    lineBytes = CONTINUATION_BYTES;
                }
                line.append(c);
                lineBytes += size;
                pending = true;
            }
        }
        if (pending) {
            onLine.accept(withoutCarriageReturn(line));
        }
    }

    private static String withoutCarriageReturn(StringBuilder line) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        return line.substring(0, end);
    }
}
