package dev.stroem.logs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;
import java.util.Optional;

/** Streams the matching lines of a forward {@link LineSource}, up to an optional limit. */
final class ForwardCursor implements LogCursor {

    /** A byte range of a local file that is exactly this cursor's output when nothing filters it. */
    record Region(FileChannel channel, long from, long to, long endLine) {}

    private final LineSource source;
    private final LineFilter filter;
    private final boolean structured;
    private final long skipUntil;
    private final long limit;
    private final ByteWindow window;
    private final Region region;

    private final long startIndex;
    private long position;
    private long resume;
    private long returned;
    private LogRecord pending;
    private boolean exhausted;
    private boolean closed;

    /**
     * @param startIndex global index of the source's first line
     * @param skipUntil  lines with a lower index are skipped unexamined (the query's offset)
     * @param limit      maximum lines returned, {@code Long.MAX_VALUE} for none
     * @param region     the file range behind the source when a raw copy is equivalent, else null
     */
    ForwardCursor(LineSource source, long startIndex, long skipUntil, LineFilter filter, boolean structured,
                  long limit, ByteWindow window, Region region) {
        this.source = source;
        this.filter = filter;
        this.structured = structured;
        this.skipUntil = skipUntil;
        this.limit = limit;
        this.window = window;
        this.region = region;
        this.startIndex = startIndex;
        this.position = startIndex;
        this.resume = Math.max(startIndex, skipUntil);
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        if (exhausted || returned >= limit) {
            return false;
        }
        try {
            while (source.next()) {
                long index = position++;
                if (index < skipUntil) {
                    continue;
                }
                if (filter.matches(source.buffer(), source.offset(), source.length(), structured)) {
                    pending = new LogRecord(index,
                            new String(source.buffer(), source.offset(), source.length(), StandardCharsets.UTF_8));
                    return true;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        exhausted = true;
        return false;
    }

    @Override
    public LogRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        LogRecord r = pending;
        pending = null;
        returned++;
        resume = r.index() + 1;
        return r;
    }

    @Override
    public long nextOffset() {
        if (pending != null) {
            return pending.index();
        }
        return exhausted ? Math.max(position, skipUntil) : resume;
    }

    @Override
    public Optional<ByteWindow> byteWindow() {
        return Optional.ofNullable(window);
    }

    @Override
    public long writeTo(OutputStream out) throws IOException {
        if (region != null && pending == null && !exhausted && returned == 0 && filter.isNone()
                && limit == Long.MAX_VALUE && position == startIndex) {
            return copyRegion(out);
        }
        long n = 0;
        if (pending != null) {
            out.write(pending.text().getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            next();
            n++;
        }
        while (!exhausted && returned < limit) {
            if (!source.next()) {
                exhausted = true;
                break;
            }
            long index = position++;
            if (index < skipUntil) {
                continue;
            }
            if (filter.matches(source.buffer(), source.offset(), source.length(), structured)) {
                out.write(source.buffer(), source.offset(), source.length());
                out.write('\n');
                returned++;
                resume = index + 1;
                n++;
            }
        }
        return n;
    }

    /** Unfiltered whole-range download: a kernel-side copy, no per-line work. */
    private long copyRegion(OutputStream out) throws IOException {
        out.flush();
        WritableByteChannel target = Channels.newChannel(out);
        long pos = region.from();
        while (pos < region.to()) {
            long n = region.channel().transferTo(pos, region.to() - pos, target);
            if (n <= 0) {
                break;
            }
            pos += n;
        }
        long lines = region.endLine() - Math.max(position, skipUntil);
        position = region.endLine();
        exhausted = true;
        returned = lines;
        return lines;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            source.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
