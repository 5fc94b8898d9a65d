package dev.stroem.logs;

/** A finished job's log for one viewer, read once through the read fallback (archive included). */
final class ReplaySource implements LiveSource {

    private final JobLogRead read;
    private final CursorPager pager;
    private final String status;
    private boolean exhausted;

    ReplaySource(JobLogRead read, String status) {
        this.read = read;
        this.pager = new CursorPager(read.cursor());
        this.status = status;
    }

    @Override
    public Step poll(long position, int maxBytes) {
        if (exhausted) {
            return new End(status, position);
        }
        CursorPager.Page page = pager.next(position, maxBytes);
        exhausted = page.exhausted();
        if (page.jsonl().remaining() == 0 && exhausted) {
            return new End(status, page.next());
        }
        return new Lines(page.jsonl(), page.next());
    }

    @Override
    public void close() {
        read.close();
    }
}
