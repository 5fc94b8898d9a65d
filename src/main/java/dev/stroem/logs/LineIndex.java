package dev.stroem.logs;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Line count, byte size and a sparse index of one job's JSONL file: the byte offset of every
 * {@code interval}-th line, so reading from line N seeks to the nearest indexed line at or
 * before N and scans fewer than {@code interval} lines. Memory: one long per {@code interval}
 * lines. Not thread-safe; guarded by the job's lock.
 */
final class LineIndex {

    private static final int MAGIC = 0x53544958; // "STIX"
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

    private final int interval;
    private long[] offsets = new long[8];
    private int entries = 1; // offsets[0] = 0: line 0 starts at byte 0
    private long lines;
    private long bytes;
    /** Lines to go until the next indexed line (a countdown instead of a division per line). */
    private int untilEntry;

    LineIndex(int interval) {
        this.interval = interval;
        this.untilEntry = interval;
    }

    long lines() {
        return lines;
    }

    long bytes() {
        return bytes;
    }

    /** Accounts for {@code len} bytes of whole lines appended at the end of the file. */
    void appended(byte[] buf, int off, int len) {
        countLines(buf, off, len, bytes);
        bytes += len;
    }

    /**
     * Calls {@link #lineEnded} for every {@code \n} in {@code buf[off, off+len)}, where
     * {@code buf[off]} sits at file position {@code base}. Looks at eight bytes at a time: this
     * runs over every byte appended and every byte of a log opened without a saved index.
     *
     * @return the file position after the last newline, or -1 when there is none
     */
    private long countLines(byte[] buf, int off, int len, long base) {
        long lastEnd = -1;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            long x = (long) LONGS.get(buf, i) ^ NEWLINES;
            // exact per byte (no carries between bytes): 0x80 where x has a zero byte, i.e. a '\n'
            long found = ~(((x & LOW7) + LOW7) | x | LOW7);
            while (found != 0) {
                lastEnd = base + (i - off) + (Long.numberOfTrailingZeros(found) >>> 3) + 1;
                lineEnded(lastEnd);
                found &= found - 1;
            }
        }
        for (; i < end; i++) {
            if (buf[i] == '\n') {
                lastEnd = base + (i - off) + 1;
                lineEnded(lastEnd);
            }
        }
        return lastEnd;
    }

    private void lineEnded(long nextLineStart) {
        lines++;
        if (--untilEntry == 0) {
            untilEntry = interval;
            if (entries == offsets.length) {
                offsets = Arrays.copyOf(offsets, entries * 2);
            }
            offsets[entries++] = nextLineStart;
        }
    }

    /**
     * Counts the lines in {@code [bytes(), limit)} of {@code ch}, extending the index.
     *
     * @return the position after the last {@code \n} found: anything after it is a torn line
     */
    long scan(FileChannel ch, long limit) throws IOException {
        long pos = bytes;
        long lastLineEnd = bytes;
        if (pos >= limit) {
            return lastLineEnd;
        }
        // Heap buffer sized to the work: many small files must not each cost a large direct buffer.
        byte[] block = new byte[(int) Math.min(1 << 20, limit - pos)];
        ByteBuffer buf = ByteBuffer.wrap(block);
        while (pos < limit) {
            buf.clear().limit((int) Math.min(block.length, limit - pos));
            int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            long end = countLines(block, 0, n, pos);
            if (end >= 0) {
                lastLineEnd = end;
            }
            pos += n;
        }
        bytes = lastLineEnd;
        return lastLineEnd;
    }

    /** Forgets everything from line {@code lineCount} on; the file now ends at {@code byteSize}. */
    void truncate(long lineCount, long byteSize) {
        lines = lineCount;
        untilEntry = (int) (interval - lineCount % interval);
        bytes = byteSize;
        entries = (int) Math.min(entries, lineCount / interval + 1);
    }

    /** The nearest indexed line at or before {@code line}: {@code {lineIndex, byteOffset}}. */
    long[] seek(long line) {
        int slot = (int) Math.min(Math.min(line, lines) / interval, entries - 1);
        return new long[] {(long) slot * interval, offsets[slot]};
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(interval);
        out.writeLong(lines);
        out.writeLong(bytes);
        out.writeInt(entries);
        for (int i = 0; i < entries; i++) {
            out.writeLong(offsets[i]);
        }
    }

    /** Reads a saved index; null when it was saved with another interval or is damaged. */
    static LineIndex readFrom(DataInputStream in, int interval) throws IOException {
        if (in.readInt() != MAGIC || in.readInt() != interval) {
            return null;
        }
        LineIndex index = new LineIndex(interval);
        index.lines = in.readLong();
        index.untilEntry = (int) (interval - index.lines % interval);
        index.bytes = in.readLong();
        int n = in.readInt();
        if (index.lines < 0 || index.bytes < 0 || n < 1 || n != index.lines / interval + 1) {
            return null;
        }
        index.offsets = new long[Math.max(8, n)];
        for (int i = 0; i < n; i++) {
            index.offsets[i] = in.readLong();
        }
        index.entries = n;
        return index;
    }
}
