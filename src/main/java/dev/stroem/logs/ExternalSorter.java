package dev.stroem.logs;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.stream.Stream;

/**
 * Sorts log lines by {@code (ts, source, seq)} in bounded memory: lines are buffered up to
 * {@code spillThresholdBytes}, then sorted and written as a run file in a private temporary
 * directory; the runs are merged (at most {@value #FAN_IN} at a time). Small inputs never touch
 * the disk. {@link #close()} deletes the runs.
 */
final class ExternalSorter implements Closeable {

    /** A line with its sort key: timestamp, which input it came from, and its position there. */
    record Item(long ts, int source, long seq, byte[] line) {}

    /** A stream of items; {@code null} at the end. */
    interface ItemSource extends Closeable {
        Item next() throws IOException;

        @Override
        default void close() throws IOException {}
    }

    static final Comparator<Item> ORDER = Comparator.comparingLong(Item::ts)
            .thenComparingInt(Item::source).thenComparingLong(Item::seq);

    private static final int FAN_IN = 64;
    private static final int ITEM_OVERHEAD = 64;

    private final Path tempRoot;
    private final long spillThresholdBytes;
    private final List<Path> runs = new ArrayList<>();
    private List<Item> buffer = new ArrayList<>();
    private long bufferedBytes;
    private Path dir;
    private int runCounter;
    private final List<Closeable> readers = new ArrayList<>();

    ExternalSorter(Path tempRoot, long spillThresholdBytes) {
        this.tempRoot = tempRoot;
        this.spillThresholdBytes = spillThresholdBytes;
    }

    void add(Item item) throws IOException {
        buffer.add(item);
        bufferedBytes += item.line().length + ITEM_OVERHEAD;
        if (bufferedBytes >= spillThresholdBytes) {
            spill();
        }
    }

    /** Whether anything was written to disk (for tests and diagnostics). */
    boolean spilled() {
        return !runs.isEmpty();
    }

    /** All added items in order. Call once, after the last {@link #add}. */
    ItemSource sorted() throws IOException {
        if (runs.isEmpty()) {
            buffer.sort(ORDER);
            List<Item> items = buffer;
            buffer = new ArrayList<>();
            return new ItemSource() {
                private int i;

                @Override
                public Item next() {
                    return i < items.size() ? items.get(i++) : null;
                }
            };
        }
        if (!buffer.isEmpty()) {
            spill();
        }
        while (runs.size() > FAN_IN) {
            List<Path> group = new ArrayList<>(runs.subList(0, FAN_IN));
            runs.subList(0, FAN_IN).clear();
            Path merged = newRun();
            try (ItemSource in = merge(group); DataOutputStream out = runWriter(merged)) {
                for (Item item = in.next(); item != null; item = in.next()) {
                    write(out, item);
                }
            }
            for (Path p : group) {
                Files.deleteIfExists(p);
            }
            runs.add(merged);
        }
        return merge(runs);
    }

    private void spill() throws IOException {
        buffer.sort(ORDER);
        Path run = newRun();
        try (DataOutputStream out = runWriter(run)) {
            for (Item item : buffer) {
                write(out, item);
            }
        }
        runs.add(run);
        buffer = new ArrayList<>();
        bufferedBytes = 0;
    }

    private Path newRun() throws IOException {
        if (dir == null) {
            Files.createDirectories(tempRoot);
            dir = Files.createTempDirectory(tempRoot, "stroem-merge-");
        }
        return dir.resolve("run-" + runCounter++);
    }

    private static DataOutputStream runWriter(Path run) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 64 * 1024));
    }

    private static void write(DataOutputStream out, Item item) throws IOException {
        out.writeLong(item.ts());
        out.writeByte(item.source());
        out.writeLong(item.seq());
        out.writeInt(item.line().length);
        out.write(item.line());
    }

    private ItemSource merge(List<Path> group) throws IOException {
        PriorityQueue<RunReader> heads = new PriorityQueue<>((a, b) -> ORDER.compare(a.head, b.head));
        List<RunReader> opened = new ArrayList<>();
        try {
            for (Path run : group) {
                RunReader r = new RunReader(run);
                opened.add(r);
                if (r.advance()) {
                    heads.add(r);
                }
            }
        } catch (IOException e) {
            for (RunReader r : opened) {
                r.close();
            }
            throw e;
        }
        readers.addAll(opened);
        return new ItemSource() {
            @Override
            public Item next() throws IOException {
                RunReader r = heads.poll();
                if (r == null) {
                    return null;
                }
                Item item = r.head;
                if (r.advance()) {
                    heads.add(r);
                }
                return item;
            }

            @Override
            public void close() throws IOException {
                for (RunReader r : opened) {
                    r.close();
                }
            }
        };
    }

    private static final class RunReader implements Closeable {
        private final DataInputStream in;
        Item head;

        RunReader(Path run) throws IOException {
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 16 * 1024));
        }

        boolean advance() throws IOException {
            long ts;
            try {
                ts = in.readLong();
            } catch (EOFException e) {
                head = null;
                return false;
            }
            int source = in.readByte();
            long seq = in.readLong();
            byte[] line = new byte[in.readInt()];
            in.readFully(line);
            head = new Item(ts, source, seq, line);
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    @Override
    public void close() throws IOException {
        for (Closeable r : readers) {
            r.close();
        }
        readers.clear();
        buffer = new ArrayList<>();
        Path dir = this.dir;
        this.dir = null;
        if (dir != null) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
