package dev.stroem.logs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One watched job in the {@link LiveLogHub}: its viewers and a bounded ring of its most recent
 * batches, in index order and contiguous. A viewer whose position is in the ring is served from
 * it; one that is behind it (or anywhere the ring cannot vouch for) reads the log file instead, so
 * the ring is only ever a shortcut, never the source of truth.
 */
final class LiveFeed {

    /** A run of lines {@code [from, to)} (indexes within the batch) of one batch. */
    record Slice(LiveBatch batch, int from, int to) {}

    /** What a viewer at some position gets now. */
    enum Kind {
        /** Lines from the ring (see {@link Take#slices()}). */
        RING,
        /** The position is not in the ring: read the log file. */
        STORAGE,
        /** Nothing beyond the position yet. */
        NOTHING,
        /** Nothing beyond the position and the job was finalised. */
        ENDED
    }

    record Take(Kind kind, List<Slice> slices, long next, String status) {}

    private static final Take STORAGE = new Take(Kind.STORAGE, List.of(), -1, null);
    private static final Take NOTHING = new Take(Kind.NOTHING, List.of(), -1, null);

    final String jobId;
    final List<LogSubscription> subscribers = new CopyOnWriteArrayList<>();
    private final long maxBytes;

    // Guarded by this. The ring is a circular array of batches covering [first of head, end of tail).
    private LiveBatch[] ring = new LiveBatch[8];
    private int head;
    private int size;
    private long ringBytes;
    /** Lines known to be in the log file: at least the ring's end; -1 until known. */
    private long end = -1;
    private String endStatus;

    LiveFeed(String jobId, long maxBytes) {
        this.jobId = jobId;
        this.maxBytes = maxBytes;
    }

    /** A batch was appended to the log (called in index order, under the store's job lock). */
    synchronized void add(LiveBatch batch) {
        if (size > 0 && batch.first != get(size - 1).end()) {
            clear(); // not contiguous (the log was deleted and restarted): the file answers from here
        }
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) % ring.length] = batch;
        size++;
        ringBytes += batch.bytes.length;
        while (size > 1 && ringBytes > maxBytes) {
            LiveBatch old = ring[head];
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
            ringBytes -= old.bytes.length;
        }
        end = Math.max(end, batch.end());
    }

    /** Lines were appended that the ring cannot hold (e.g. undecodable): forget it, the file answers. */
    synchronized void gap(long newEnd) {
        clear();
        end = Math.max(end, newEnd);
    }

    /** The log file holds at least {@code lines} lines. */
    synchronized void raiseEnd(long lines) {
        end = Math.max(end, lines);
    }

    /** Lines known to be in the log file (-1 until known). */
    synchronized long knownEnd() {
        return end;
    }

    /** The job was finalised when its log held {@code lines} lines. */
    synchronized void markEnded(String status, long lines) {
        endStatus = status;
        end = Math.max(end, lines);
    }

    /**
     * What a viewer at {@code position} gets now: up to {@code maxFrameBytes} of whole lines from
     * the ring (at least one line), or where to look instead.
     */
    synchronized Take take(long position, int maxFrameBytes) {
        if (end < 0) {
            return STORAGE;
        }
        if (position >= end) {
            return endStatus != null ? new Take(Kind.ENDED, List.of(), end, endStatus) : NOTHING;
        }
        int i = find(position);
        if (i < 0) {
            return STORAGE;
        }
        var slices = new ArrayList<Slice>(2);
        long pos = position;
        long bytes = 0;
        for (; i < size; i++) {
            LiveBatch b = get(i);
            int from = (int) (pos - b.first);
            int to = from;
            while (to < b.count()) {
                int len = b.endOf(to) - b.startOf(to);
                if (bytes > 0 && bytes + len > maxFrameBytes) {
                    break;
                }
                bytes += len;
                to++;
            }
            if (to > from) {
                slices.add(new Slice(b, from, to));
            }
            pos = b.first + to;
            if (to < b.count()) {
                break;
            }
        }
        return new Take(Kind.RING, slices, pos, null);
    }

    private int find(long position) {
        if (size == 0 || position < get(0).first || position >= get(size - 1).end()) {
            return -1;
        }
        int lo = 0;
        int hi = size - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (get(mid).first <= position) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private LiveBatch get(int i) {
        return ring[(head + i) % ring.length];
    }

    private void grow() {
        var bigger = new LiveBatch[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = get(i);
        }
        ring = bigger;
        head = 0;
    }

    private void clear() {
        Arrays.fill(ring, null);
        head = 0;
        size = 0;
        ringBytes = 0;
    }
}
