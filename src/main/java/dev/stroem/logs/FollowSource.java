package dev.stroem.logs;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * A running job's lines for one viewer: from the feed's ring while the viewer is within it, else
 * from the job's log file (a page at a time, through one open cursor until it is used up).
 */
final class FollowSource implements LiveSource {

    private final LiveFeed feed;
    private final LocalLogStore store;
    private final String step;
    private final LongAdder storagePages;
    private CursorPager catchUp;

    FollowSource(LiveFeed feed, LocalLogStore store, String step, LongAdder storagePages) {
        this.feed = feed;
        this.store = store;
        this.step = step;
        this.storagePages = storagePages;
    }

    @Override
    public Step poll(long position, int maxBytes) {
        if (catchUp == null) {
            LiveFeed.Take take = feed.take(position, maxBytes);
            switch (take.kind()) {
                case RING:
                    return new Lines(encode(take), take.next());
                case NOTHING:
                    return WAIT;
                case ENDED:
                    return new End(take.status(), Math.max(position, take.next()));
                case STORAGE:
                default:
                    catchUp = new CursorPager(store.read(feed.jobId, LogQuery.all().withStep(step).withOffset(position)));
            }
        }
        storagePages.increment();
        CursorPager.Page page = catchUp.next(position, maxBytes);
        if (page.exhausted()) {
            catchUp.close();
            catchUp = null;
        }
        if (page.next() <= position) {
            if (feed.knownEnd() > position) {
                // The log had these lines, the file no longer has them (deleted or replaced under us):
                // waiting would wait for ever. The viewer reconnects and reads them wherever they are.
                throw new IllegalStateException("the local log of job " + feed.jobId + " no longer holds line "
                        + position + "; reconnect with from=" + position);
            }
            return WAIT; // the file has nothing beyond the position either: the next append signals
        }
        return new Lines(page.jsonl(), page.next());
    }

    /** The ring's lines for this viewer: the shared bytes themselves when nothing needs cutting out. */
    private ByteBuffer encode(LiveFeed.Take take) {
        var slices = take.slices();
        if (step == null && slices.size() == 1) {
            LiveFeed.Slice s = slices.get(0);
            int from = s.batch().startOf(s.from());
            return ByteBuffer.wrap(s.batch().bytes, from, s.batch().endOf(s.to() - 1) - from).slice();
        }
        int total = 0;
        for (LiveFeed.Slice s : slices) {
            for (int i = s.from(); i < s.to(); i++) {
                if (step == null || step.equals(s.batch().step(i))) {
                    total += s.batch().endOf(i) - s.batch().startOf(i);
                }
            }
        }
        byte[] out = new byte[total];
        int at = 0;
        for (LiveFeed.Slice s : slices) {
            LiveBatch b = s.batch();
            if (step == null) {
                int from = b.startOf(s.from());
                int len = b.endOf(s.to() - 1) - from;
                System.arraycopy(b.bytes, from, out, at, len);
                at += len;
                continue;
            }
            for (int i = s.from(); i < s.to(); i++) {
                if (step.equals(b.step(i))) {
                    int from = b.startOf(i);
                    int len = b.endOf(i) - from;
                    System.arraycopy(b.bytes, from, out, at, len);
                    at += len;
                }
            }
        }
        return ByteBuffer.wrap(out);
    }

    @Override
    public void close() {
        if (catchUp != null) {
            catchUp.close();
            catchUp = null;
        }
    }
}
