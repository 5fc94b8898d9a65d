package dev.stroem.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Visits the lines of a file range from the last to the first, reading fixed-size blocks
 * backwards, so the cost of a tail depends on how far back it goes, not on the file's size.
 */
final class BackwardLineScanner {

    /** Receives lines last-first; returns false to stop. The bytes are valid during the call only. */
    interface Visitor {
        boolean visit(long index, long start, byte[] buf, int off, int len);
    }

    private static final int BLOCK = 64 * 1024;

    private BackwardLineScanner() {}

    /**
     * Visits the lines in {@code [low, end)}, where {@code low} is the start of a line and
     * {@code end} is just after a {@code \n}; {@code endLine} is the index of the line after the last.
     */
    static void scan(FileChannel ch, long low, long end, long endLine, Visitor visitor) throws IOException {
        if (end <= low) {
            return;
        }
        byte[] block = new byte[BLOCK];
        ByteBuffer view = ByteBuffer.wrap(block);
        byte[] carry = new byte[0]; // tail part of the current line, read from later blocks
        long index = endLine - 1;
        long blockEnd = end - 1; // the last '\n' is the current line's terminator, not a separator
        while (blockEnd > low) {
            long blockStart = Math.max(low, blockEnd - BLOCK);
            int n = (int) (blockEnd - blockStart);
            view.clear().limit(n);
            while (view.hasRemaining()) {
                if (ch.read(view, blockStart + view.position()) < 0) {
                    throw new IOException("log file shrank while it was being read");
                }
            }
            int segEnd = n;
            for (int i = n - 1; i >= 0; i--) {
                if (block[i] != '\n') {
                    continue;
                }
                boolean more;
                if (carry.length == 0) {
                    more = visitor.visit(index, blockStart + i + 1, block, i + 1, segEnd - i - 1);
                } else {
                    byte[] line = join(block, i + 1, segEnd, carry);
                    more = visitor.visit(index, blockStart + i + 1, line, 0, line.length);
                    carry = new byte[0];
                }
                if (!more) {
                    return;
                }
                index--;
                segEnd = i;
            }
            if (segEnd > 0) {
                carry = join(block, 0, segEnd, carry);
            }
            blockEnd = blockStart;
        }
        visitor.visit(index, low, carry, 0, carry.length);
    }

    private static byte[] join(byte[] block, int from, int to, byte[] carry) {
        byte[] out = new byte[to - from + carry.length];
        System.arraycopy(block, from, out, 0, to - from);
        System.arraycopy(carry, 0, out, to - from, carry.length);
        return out;
    }
}
