package dev.stroem.logs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Answers a {@link LogQuery} on a job's local JSONL file up to a snapshot of its length, so a
 * concurrent append never shows up half-written: offsets seek through the sparse line index,
 * tails read backwards in blocks, everything else streams forward.
 */
final class LocalLogReader {

    /**
     * A consistent view of a job's file: it ends at {@code endByte} with {@code endLine} lines,
     * and line {@code seekLine} (the indexed line nearest the query's offset) starts at {@code seekByte}.
     */
    record Snapshot(long endByte, long endLine, long seekLine, long seekByte) {}

    private final JsonlCodec codec;

    LocalLogReader(JsonlCodec codec) {
        this.codec = codec;
    }

    LogCursor open(Path file, Snapshot snap, LogQuery query) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return open(ch, snap, query);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private LogCursor open(FileChannel ch, Snapshot snap, LogQuery query) throws IOException {
        LineFilter filter = LineFilter.of(query, codec);
        long offset = Math.min(query.offset(), snap.endLine());
        long low = byteOfLine(ch, snap, offset);
        if (query.tail() != null) {
            long[] start = tailStart(ch, snap, low, offset, query.tail(), filter);
            return forward(ch, snap, query, start[0], start[1], filter, Long.MAX_VALUE, null);
        }
        if (query.tailBytes() != null) {
            long[] start = new long[] {snap.endLine(), snap.endByte()};
            ByteWindow window = tailBytesStart(ch, snap, low, offset, query.tailBytes(), filter, start);
            return forward(ch, snap, query, start[0], start[1], filter, Long.MAX_VALUE, window);
        }
        long limit = query.limit() == null ? Long.MAX_VALUE : query.limit();
        return forward(ch, snap, query, offset, low, filter, limit, null);
    }

    private static LogCursor forward(FileChannel ch, Snapshot snap, LogQuery query, long startLine, long startByte,
                                     LineFilter filter, long limit, ByteWindow window) throws IOException {
        InputStream in = Channels.newInputStream(ch.position(startByte));
        LineInput lines = new LineInput(in, snap.endByte() - startByte, false);
        var region = new ForwardCursor.Region(ch, startByte, snap.endByte(), snap.endLine());
        return new ForwardCursor(lines, startLine, query.offset(), filter, true, limit, window, region);
    }

    /** Byte position of line {@code line}: seek to the indexed line before it, then count forward. */
    private static long byteOfLine(FileChannel ch, Snapshot snap, long line) throws IOException {
        if (line >= snap.endLine()) {
            return snap.endByte();
        }
        long current = snap.seekLine();
        long pos = snap.seekByte();
        if (current == line) {
            return pos;
        }
        LineInput in = new LineInput(Channels.newInputStream(ch.position(pos)), snap.endByte() - pos, false);
        while (current < line && in.next()) {
            pos += in.length() + 1L;
            current++;
        }
        return pos;
    }

    /** {lineIndex, byteOffset} where the last {@code n} matching lines at or after {@code low} begin. */
    private static long[] tailStart(FileChannel ch, Snapshot snap, long low, long lowLine, int n, LineFilter filter)
            throws IOException {
        long[] start = {snap.endLine(), snap.endByte()};
        if (n == 0) {
            return start;
        }
        int[] found = {0};
        BackwardLineScanner.scan(ch, low, snap.endByte(), snap.endLine(), (index, at, buf, off, len) -> {
            if (filter.matches(buf, off, len, true)) {
                start[0] = index;
                start[1] = at;
                return ++found[0] < n;
            }
            return true;
        });
        return start;
    }

    /** Finds where the whole matching lines within {@code budget} bytes from the end begin; fills {@code start}. */
    private static ByteWindow tailBytesStart(FileChannel ch, Snapshot snap, long low, long lowLine, long budget,
                                             LineFilter filter, long[] start) throws IOException {
        long[] totals = {0, 0}; // total matching bytes, returned bytes
        boolean[] accepting = {true};
        boolean unfiltered = filter.isNone();
        BackwardLineScanner.scan(ch, low, snap.endByte(), snap.endLine(), (index, at, buf, off, len) -> {
            if (!filter.matches(buf, off, len, true)) {
                return true;
            }
            long size = len + 1L;
            totals[0] += size;
            if (accepting[0] && totals[1] + size <= budget) {
                totals[1] += size;
                start[0] = index;
                start[1] = at;
                return true;
            }
            accepting[0] = false;
            // Unfiltered, the total is just the range's size; filtered, every matching line has to be counted.
            return !unfiltered;
        });
        long total = unfiltered ? snap.endByte() - low : totals[0];
        return new ByteWindow(total, totals[1], totals[1] < total);
    }
}
