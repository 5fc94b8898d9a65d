package dev.stroem.logs;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines at {@code \n}, reading in blocks. A line longer than
 * {@code maxLine} bytes (only possible in foreign input: legacy files, damaged archives) comes
 * out in pieces of that size so memory stays bounded.
 */
final class LineInput implements LineSource {

    static final int MAX_LINE = 8 << 20;

    private final InputStream in;
    private final boolean includeUnterminated;
    private long remaining;
    private byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private int scanned;
    private boolean eof;
    private int lineOff;
    private int lineLen;

    /**
     * @param limit               bytes to read at most from {@code in}
     * @param includeUnterminated whether a last line without {@code \n} counts (false for live
     *                            JSONL files, where it is a write in progress or a torn line)
     */
    LineInput(InputStream in, long limit, boolean includeUnterminated) {
        this.in = in;
        this.remaining = limit;
        this.includeUnterminated = includeUnterminated;
    }

    @Override
    public boolean next() throws IOException {
        while (true) {
            for (int i = Math.max(pos, scanned); i < lim; i++) {
                if (buf[i] == '\n') {
                    lineOff = pos;
                    lineLen = i - pos;
                    pos = i + 1;
                    scanned = pos;
                    return true;
                }
            }
            scanned = lim;
            if (eof) {
                if (pos < lim && includeUnterminated) {
                    return emitRest();
                }
                pos = lim;
                return false;
            }
            if (lim - pos >= MAX_LINE) {
                return emitRest();
            }
            fill();
        }
    }

    private boolean emitRest() {
        lineOff = pos;
        lineLen = lim - pos;
        pos = lim;
        scanned = lim;
        return true;
    }

    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            scanned -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_LINE));
        }
        int want = (int) Math.min(buf.length - lim, remaining);
        int r = want == 0 ? -1 : in.read(buf, lim, want);
        if (r < 0) {
            eof = true;
        } else {
            lim += r;
            remaining -= r;
        }
    }

    @Override
    public byte[] buffer() {
        return buf;
    }

    @Override
    public int offset() {
        return lineOff;
    }

    @Override
    public int length() {
        return lineLen;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
