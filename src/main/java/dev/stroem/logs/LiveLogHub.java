package dev.stroem.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live fan-out of job logs to viewers ({@code GET /api/jobs/{id}/logs/stream}), registered as the
 * {@link LocalLogStore}'s {@link LogAppendListener}.
 *
 * <h2>Exactly once, in order</h2>
 * Every viewer has a position: the global index ({@link AppendResult#firstIndex()}) of the next
 * line to send. Whatever it is sent comes from the lines at that position, from the ring of recent
 * batches or from the log file, and the position moves past exactly those lines. There is no
 * separate backfill phase to stitch to a live phase: a viewer subscribes first, then learns how
 * many lines the file holds (read under the job's lock, so no append is half counted), and from
 * then on every append is in the ring. Lines below the ring come from the file; lines in it, from
 * the ring. A line is therefore never skipped nor sent twice, whatever arrives while the viewer
 * connects or falls behind.
 *
 * <h2>Cost on the append path</h2>
 * An append to a job nobody watches costs one map lookup. For a watched job it costs finding the
 * line ends of the batch, adding it to the job's ring (bounded in bytes; the batch's bytes are
 * shared, not copied) and one non-blocking signal per viewer. Frames are built and sent on the
 * hub's own delivery threads.
 *
 * <h2>End of a job</h2>
 * {@link #jobEnded} (called when the job's log is complete: after its finalisation, and again by
 * a sweep that re-reads the durable log state of every followed job, see {@link #followedJobs})
 * marks the feed ended at the line count of that moment: viewers close once they have been sent
 * that far. Calling it again changes nothing.
 */
public final class LiveLogHub implements LogAppendListener, AutoCloseable {

    /** Below this many viewers to wake, one delivery task serves them all. */
    private static final int MIN_VIEWERS_PER_TASK = 32;

    /**
     * Tuning.
     *
     * @param bufferBytes recent lines kept in memory per watched job
     * @param frameBytes  target size of one frame (whole lines; a single longer line goes alone)
     * @param threads     delivery threads (build frames, read files for viewers behind the ring)
     */
    public record Options(long bufferBytes, int frameBytes, int threads) {
        public Options {
            if (bufferBytes < 1 || frameBytes < 1 || threads < 1) {
                throw new IllegalArgumentException("live log hub options must be positive: bufferBytes=" + bufferBytes
                        + ", frameBytes=" + frameBytes + ", threads=" + threads);
            }
        }

        /** 1 MiB per job, 64 KiB frames, one thread per core (at least two). */
        public static Options defaults() {
            return new Options(1L << 20, 64 * 1024, Math.max(2, Runtime.getRuntime().availableProcessors()));
        }

        public Options withBufferBytes(long bytes) {
            return new Options(bytes, frameBytes, threads);
        }
    }

    private final LocalLogStore store;
    private final LocalLogSync sync;
    private final Options options;
    private final ConcurrentHashMap<String, LiveFeed> feeds = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    private final ControlFrames control = new ControlFrames();
    private final AtomicInteger viewers = new AtomicInteger();
    private final LongAdder storagePages = new LongAdder();

    public LiveLogHub(LocalLogStore store, Options options) {
        this(store, options, LocalLogSync.NONE);
    }

    /**
     * @param sync brings the local copy of a job's log up to date (replicas: lines stored through
     *             another replica reach this one's viewers through it); {@link LocalLogSync#NONE} on one node
     */
    public LiveLogHub(LocalLogStore store, Options options, LocalLogSync sync) {
        this.sync = Objects.requireNonNull(sync, "sync");
        this.store = Objects.requireNonNull(store, "store");
        this.options = Objects.requireNonNull(options, "options");
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(options.threads(), options.threads(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "live-log-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Streams a job that is still running (or not yet finalised) to {@code sink}: its lines from
     * {@code request.from()} on, then every line as it is appended, until {@link #jobEnded}.
     */
    public LogSubscription follow(StreamRequest request, LiveFrameSink sink) {
        String jobId = SafeName.require("job id", request.jobId());
        LogSubscription[] created = new LogSubscription[1];
        LiveFeed feed = feeds.compute(jobId, (id, existing) -> {
            LiveFeed f = existing != null ? existing : new LiveFeed(id, options.bufferBytes());
            FollowSource source = new FollowSource(f, store, request.step(), storagePages);
            LogSubscription sub = subscription(request, source, sink, () -> leave(id, created[0]));
            f.subscribers.add(sub);
            created[0] = sub;
            return f;
        });
        // After subscribing: every append from now on reaches the ring, every earlier one is counted here.
        sync.catchUp(jobId);
        feed.raiseEnd(store.lineCount(jobId));
        viewers.incrementAndGet();
        created[0].start();
        return created[0];
    }

    /**
     * Streams a finished job's log as {@code read} returns it (the read fallback, archive
     * included; its query's offset is {@code request.from()}), then ends with {@code status}.
     * Takes ownership of {@code read}.
     */
    public LogSubscription replay(JobLogRead read, StreamRequest request, String status, LiveFrameSink sink) {
        viewers.incrementAndGet();
        LogSubscription sub = subscription(request, new ReplaySource(read, status), sink, viewers::decrementAndGet);
        sub.start();
        return sub;
    }

    /** The job was finalised with {@code status}: its viewers close once they have every line written so far. */
    public void jobEnded(String jobId, String status) {
        LiveFeed feed = feeds.get(jobId);
        if (feed == null) {
            return;
        }
        // Lines another replica stored before the end are copied first, so they are sent before the end.
        sync.catchUp(jobId);
        feed.markEnded(status, store.lineCount(jobId));
        signal(feed);
    }

    @Override
    public void appended(String jobId, long firstIndex, List<LogLine> lines, byte[] jsonl) {
        LiveFeed feed = feeds.get(jobId);
        if (feed == null) {
            return;
        }
        LiveBatch batch = LiveBatch.of(firstIndex, lines, jsonl);
        if (batch != null) {
            feed.add(batch);
        } else {
            feed.gap(firstIndex + lines.size());
        }
        signal(feed);
    }

    /** The number of lines in the job's log now, the local copy brought up to date first. */
    public long lineCount(String jobId) {
        sync.catchUp(jobId);
        return store.lineCount(jobId);
    }

    /** Viewers connected right now (following or replaying). */
    public int viewers() {
        return viewers.get();
    }

    /** Frames' worth of lines read from log files for viewers behind the in-memory window, since start. */
    public long storagePages() {
        return storagePages.sum();
    }

    /** Jobs with at least one viewer following them. */
    public int watchedJobs() {
        return feeds.size();
    }

    /** The ids of the jobs with at least one viewer following them, now. */
    public java.util.Set<String> followedJobs() {
        return java.util.Set.copyOf(feeds.keySet());
    }

    /** Whether viewers follow the job live here now. */
    public boolean isFollowed(String jobId) {
        return feeds.containsKey(jobId);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private LogSubscription subscription(StreamRequest request, LiveSource source, LiveFrameSink sink,
                                         Runnable detach) {
        return new LogSubscription(request.jobId(), request.from(), source, sink, executor,
                request.control() ? control : null, options.frameBytes(), detach);
    }

    private void leave(String jobId, LogSubscription sub) {
        feeds.computeIfPresent(jobId, (id, feed) -> {
            feed.subscribers.remove(sub);
            return feed.subscribers.isEmpty() ? null : feed;
        });
        viewers.decrementAndGet();
    }

    /**
     * Wakes the feed's waiting viewers: one task per delivery thread delivers to a share of them,
     * rather than a task per viewer (a line for 1,000 viewers is a handful of queue operations).
     */
    private void signal(LiveFeed feed) {
        List<LogSubscription> woken = null;
        for (LogSubscription sub : feed.subscribers) {
            if (sub.wake()) {
                if (woken == null) {
                    woken = new ArrayList<>();
                }
                woken.add(sub);
            }
        }
        if (woken == null) {
            return;
        }
        int tasks = Math.min(options.threads(), (woken.size() + MIN_VIEWERS_PER_TASK - 1) / MIN_VIEWERS_PER_TASK);
        int share = (woken.size() + tasks - 1) / tasks;
        for (int from = 0; from < woken.size(); from += share) {
            List<LogSubscription> part = woken.subList(from, Math.min(woken.size(), from + share));
            executor.execute(() -> part.forEach(LogSubscription::deliver));
        }
    }
}
