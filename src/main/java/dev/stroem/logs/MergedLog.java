package dev.stroem.logs;

import dev.stroem.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The union of a job's archived and local logs, ordered by {@code ts}, exact duplicates removed:
 * a line present in both (byte for byte) appears once; within one input, repeated lines are all
 * kept (a line printed twice is two lines). Ties keep their order, archive lines first.
 *
 * <p>Memory stays bounded: a first pass checks whether both inputs are already in {@code ts}
 * order (the common case of sequential steps) and then streams a 2-way merge; otherwise the
 * lines go through an {@link ExternalSorter}. Either way the archive is read completely before
 * the first line is returned, so a corrupt archive ({@link StorageException}) is found while the
 * caller can still fall back to the local log. The one exception, an archive that fails on its
 * second read during a 2-way merge, ends the archive side there with a WARN for a reader, and
 * fails the merge when it is {@code strict} (an upload of the union must never replace the
 * archive with a part of it).
 */
final class MergedLog {

    private static final Logger log = LoggerFactory.getLogger(MergedLog.class);

    static final int ARCHIVE = 0;
    static final int LOCAL = 1;

    /** Opens one input afresh; a null source reads as empty. */
    interface Opener {
        LineSource open() throws IOException;
    }

    private MergedLog() {}

    /**
     * @throws StorageException when the archive cannot be read or holds something that is not a log line
     */
    static LineSource open(Opener archive, Opener local, JsonlCodec codec, Path spillDir, long spillThresholdBytes,
            boolean strict) throws IOException {
        boolean sorted = isSorted(local, LOCAL, codec) && isSorted(archive, ARCHIVE, codec);
        if (sorted) {
            return new UnionOfSorted(new TwoWay(items(archive.open(), ARCHIVE, codec), items(local.open(), LOCAL, codec),
                    strict));
        }
        ExternalSorter sorter = new ExternalSorter(spillDir, spillThresholdBytes);
        try {
            feed(sorter, items(archive.open(), ARCHIVE, codec));
            feed(sorter, items(local.open(), LOCAL, codec));
            return new UnionOfSorted(sorter.sorted(), sorter);
        } catch (IOException | RuntimeException e) {
            sorter.close();
            throw e;
        }
    }

    private static boolean isSorted(Opener opener, int source, JsonlCodec codec) throws IOException {
        try (LineItems in = items(opener.open(), source, codec)) {
            long last = Long.MIN_VALUE;
            for (ExternalSorter.Item item = in.next(); item != null; item = in.next()) {
                if (item.ts() < last) {
                    return false;
                }
                last = item.ts();
            }
            return true;
        }
    }

    private static void feed(ExternalSorter sorter, LineItems in) throws IOException {
        try (in) {
            for (ExternalSorter.Item item = in.next(); item != null; item = in.next()) {
                sorter.add(item);
            }
        }
    }

    private static LineItems items(LineSource source, int which, JsonlCodec codec) {
        return new LineItems(source, which, codec);
    }

    /** The lines of one input with their timestamps. */
    private static final class LineItems implements ExternalSorter.ItemSource {
        private final LineSource source;
        private final int which;
        private final JsonlCodec codec;
        private long seq;
        private long lastTs = Long.MIN_VALUE;

        LineItems(LineSource source, int which, JsonlCodec codec) {
            this.source = source;
            this.which = which;
            this.codec = codec;
        }

        @Override
        public ExternalSorter.Item next() throws IOException {
            if (source == null || !source.next()) {
                return null;
            }
            byte[] line = Arrays.copyOfRange(source.buffer(), source.offset(), source.offset() + source.length());
            JsonlCodec.Header h = codec.header(line, 0, line.length);
            long ts = h == null ? Long.MIN_VALUE : JsonlCodec.epochMillis(h.ts());
            if (ts == Long.MIN_VALUE) {
                if (which == ARCHIVE) {
                    throw new StorageException("archived log line " + (seq + 1) + " is not a valid log line");
                }
                ts = lastTs; // a damaged local line stays where it was
            }
            lastTs = ts;
            return new ExternalSorter.Item(ts, which, seq++, line);
        }

        @Override
        public void close() throws IOException {
            if (source != null) {
                source.close();
            }
        }
    }

    /** Streams the merge of two inputs that are each in ts order; archive first on ties. */
    private static final class TwoWay implements ExternalSorter.ItemSource {
        private final LineItems archive;
        private final LineItems local;
        private final boolean strict;
        private ExternalSorter.Item a;
        private ExternalSorter.Item b;
        private boolean archiveDone;

        TwoWay(LineItems archive, LineItems local, boolean strict) {
            this.archive = archive;
            this.local = local;
            this.strict = strict;
        }

        @Override
        public ExternalSorter.Item next() throws IOException {
            if (a == null && !archiveDone) {
                try {
                    a = archive.next();
                } catch (StorageException | IOException e) {
                    if (strict) {
                        throw e;
                    }
                    log.warn("Archived log failed while merging it with the local log; continuing with local lines only: {}",
                            e.toString());
                    a = null;
                }
                archiveDone = a == null;
            }
            if (b == null) {
                b = local.next();
            }
            ExternalSorter.Item out;
            if (a != null && (b == null || a.ts() <= b.ts())) {
                out = a;
                a = null;
            } else {
                out = b;
                b = null;
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            try {
                archive.close();
            } finally {
                local.close();
            }
        }
    }

    /** Drops local lines that equal an archive line of the same ts, one for one. */
    private static final class UnionOfSorted implements LineSource {
        private final ExternalSorter.ItemSource items;
        private final AutoCloseable resources;
        private final Map<ByteBuffer, Integer> archivedInGroup = new HashMap<>();
        private long groupTs = Long.MIN_VALUE;
        private byte[] current;

        UnionOfSorted(ExternalSorter.ItemSource items) {
            this(items, null);
        }

        UnionOfSorted(ExternalSorter.ItemSource items, AutoCloseable resources) {
            this.items = items;
            this.resources = resources;
        }

        @Override
        public boolean next() throws IOException {
            for (ExternalSorter.Item item = items.next(); item != null; item = items.next()) {
                if (item.ts() != groupTs) {
                    archivedInGroup.clear();
                    groupTs = item.ts();
                }
                ByteBuffer key = ByteBuffer.wrap(item.line());
                if (item.source() == ARCHIVE) {
                    archivedInGroup.merge(key, 1, Integer::sum);
                } else {
                    Integer seen = archivedInGroup.get(key);
                    if (seen != null) {
                        if (seen == 1) {
                            archivedInGroup.remove(key);
                        } else {
                            archivedInGroup.put(key, seen - 1);
                        }
                        continue;
                    }
                }
                current = item.line();
                return true;
            }
            return false;
        }

        @Override
        public byte[] buffer() {
            return current;
        }

        @Override
        public int offset() {
            return 0;
        }

        @Override
        public int length() {
            return current.length;
        }

        @Override
        public void close() throws IOException {
            try {
                items.close();
            } finally {
                if (resources != null) {
                    try {
                        resources.close();
                    } catch (IOException | RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IOException(e);
                    }
                }
            }
        }
    }
}
