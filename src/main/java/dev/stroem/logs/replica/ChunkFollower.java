package dev.stroem.logs.replica;

import dev.stroem.cluster.ClusterHints;
import dev.stroem.jobs.store.LogChunkStore;
import dev.stroem.logs.JobLogRef;
import dev.stroem.logs.JsonlLines;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LocalLogSync;
import dev.stroem.logs.LogLine;
import dev.stroem.storage.ObjectStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this replica's local copy of a job's log ({@code {job}.jsonl}) a prefix of the shared log
 * and brings it up to date on demand: {@link #catchUp} copies the chunks the file lacks, in
 * sequence, through {@link LocalLogStore#appendAt} (which writes each line once, whoever copies it,
 * and tells the live viewers here). Every line therefore has the same number on every replica, and
 * a viewer's {@code from=N} means the same line wherever it reconnects.
 *
 * <p>When is it called: before every read of a job's log on this replica (REST, stream start and
 * end, step outputs, archive upload), for the jobs viewers follow here on every
 * {@link #TOPIC} hint, on a hint listener's reconnect, and every {@link #SWEEP} whatever happens
 * (a lost hint costs at most that much latency, never a line).
 *
 * <p>Chunks a confirmed archive holds are deleted from the database (the last one stays as the
 * numbering anchor). A copy that lacks such lines fills them from the archive first; a replica
 * with no copy at all leaves it to reads, which go to the archive.
 */
public final class ChunkFollower implements LocalLogSync, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChunkFollower.class);
    /** The hint topic: payload job ids with new chunks, separated by {@code \n}. */
    public static final String TOPIC = "log_chunks";
    /** The hint topic: payload the id of a job retention deleted; every replica deletes its copy of its log. */
    public static final String DELETED_TOPIC = "logs_deleted";
    /** How often the jobs viewers follow here are caught up even without a hint. */
    public static final Duration SWEEP = Duration.ofSeconds(1);
    /** Chunks read per query: a batch is at most a few hundred KiB, so a page stays a few MiB. */
    private static final int PAGE = 16;
    private static final int RESTORE_BATCH_BYTES = 1 << 20;

    private final LocalLogStore store;
    private final LogChunkStore chunks;
    private final ObjectStore archive;
    private final Function<String, Optional<JobLogRef>> refs;
    private final Object[] stripes = new Object[64];
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private final Counter copiedFromChunks;
    private final Counter copiedFromArchive;
    private final Counter failures;
    private volatile Supplier<Set<String>> followed = Set::of;
    private volatile boolean running = true;

    /**
     * @param archive the configured archive, or null
     * @param refs    what the engine knows about a job (its archive record), empty when it is gone
     */
    public ChunkFollower(LocalLogStore store, LogChunkStore chunks, ObjectStore archive,
            Function<String, Optional<JobLogRef>> refs, MeterRegistry metrics) {
        this.copiedFromChunks = Counter.builder("stroem_log_replica_lines_copied").tag("from", "chunks")
                .description("Lines this replica copied into its local logs from the shared log").register(metrics);
        this.copiedFromArchive = Counter.builder("stroem_log_replica_lines_copied").tag("from", "archive")
                .description("Lines this replica copied into its local logs from the shared log").register(metrics);
        this.failures = Counter.builder("stroem_log_replica_catch_up_failures")
                .description("Catch-ups of a local log that failed (the next one tries again)").register(metrics);
        this.store = store;
        this.chunks = chunks;
        this.archive = archive;
        this.refs = refs;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
        this.thread = new Thread(this::run, "log-chunk-follower");
        this.thread.setDaemon(true);
    }

    /**
     * Follows the jobs {@code followed} names (those with live viewers here) on hints and sweeps.
     */
    public ChunkFollower start(ClusterHints hints, Supplier<Set<String>> followed) {
        this.followed = followed;
        hints.subscribe(TOPIC, payload -> {
            if (payload == null) {
                // The listener reconnected: hints may be lost; catch every followed job up.
                followed.get().forEach(this::request);
                return;
            }
            Set<String> watched = followed.get();
            for (String jobId : payload.split("\n")) {
                if (watched.contains(jobId)) {
                    request(jobId);
                }
            }
        });
        hints.subscribe(DELETED_TOPIC, jobId -> {
            if (jobId != null && !jobId.isEmpty()) {
                // The job is gone from the database (retention on the leader): its copy here goes too.
                store.delete(jobId);
            }
        });
        thread.start();
        return this;
    }

    /** Asks the follower's thread to catch the job up soon. */
    public void request(String jobId) {
        if (pending.add(jobId)) {
            wake.release();
        }
    }

    @Override
    public boolean localCopyIsWholeLog() {
        return true;
    }

    @Override
    public void catchUp(String jobId) {
        catchUpTo(jobId, Long.MAX_VALUE);
    }

    /**
     * Copies the job's chunks that start before line {@code line} into the local log: what must
     * be there before the caller writes lines from {@code line} on (the chunk it just stored).
     */
    public void catchUpTo(String jobId, long line) {
        synchronized (stripes[Math.floorMod(jobId.hashCode(), stripes.length)]) {
            try {
                copyMissing(jobId, line);
            } catch (RuntimeException e) {
                failures.increment();
                // Reads serve what the local copy holds; the next catch-up tries again.
                log.warn("cannot catch up the local log of job {} from the shared log: {}", jobId, e.toString());
            }
        }
    }

    private void copyMissing(String jobId, long until) {
        while (true) {
            long have = store.lineCount(jobId);
            if (have >= until) {
                return;
            }
            List<LogChunkStore.Chunk> page = chunks.endingAfter(jobId, have, until, PAGE);
            if (page.isEmpty()) {
                return;
            }
            for (LogChunkStore.Chunk chunk : page) {
                if (chunk.firstLine() > have) {
                    if (!fillFromArchive(jobId, have, chunk)) {
                        return;
                    }
                    break; // re-read where the copy stands
                }
                long before = have;
                byte[] jsonl = chunk.jsonl().getBytes(StandardCharsets.UTF_8);
                // Decoded only if someone watches the job here: most copies just write the bytes.
                have = store.appendAt(jobId, chunk.firstLine(), new JsonlLines(store.codec(), jsonl), jsonl);
                copiedFromChunks.increment(Math.max(0, have - before));
                if (have < chunk.endLine()) {
                    log.warn("job {}: local log holds {} lines, could not copy chunk {} (lines {}..{})", jobId, have,
                            chunk.seq(), chunk.firstLine(), chunk.endLine());
                    return;
                }
            }
            if (page.size() < PAGE && store.lineCount(jobId) >= page.get(page.size() - 1).endLine()) {
                return;
            }
        }
    }

    /**
     * Lines {@code [have, chunk.firstLine())} are no longer chunks: an archive holds them. Copies
     * them from it, unless this replica has no copy at all and the archive holds everything (reads
     * then go to the archive; nothing to copy). Returns whether the copy grew.
     */
    private boolean fillFromArchive(String jobId, long have, LogChunkStore.Chunk chunk) {
        JobLogRef ref = refs.apply(jobId).orElse(null);
        if (ref == null) {
            return false; // deleted meanwhile
        }
        Long archived = ref.archivedLines();
        if (archive == null || ref.archiveKey() == null || archived == null || archived < chunk.firstLine()) {
            log.warn("job {}: lines {}..{} are neither chunks nor archived; the local log stops at line {}", jobId,
                    have, chunk.firstLine(), have);
            return false;
        }
        if (have == 0 && !store.exists(jobId) && chunks.endingAfter(jobId, archived, 1).isEmpty()) {
            return false;
        }
        Optional<InputStream> object = archive.open(ref.archiveKey());
        if (object.isEmpty()) {
            log.warn("job {}: archived log {} is missing; cannot fill local lines {}..{}", jobId, ref.archiveKey(), have,
                    chunk.firstLine());
            return false;
        }
        long before = have;
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(object.get(), 64 * 1024), 64 * 1024)) {
            var line = new ByteArrayOutputStream();
            var batch = new ByteArrayOutputStream();
            List<LogLine> lines = new ArrayList<>();
            long index = 0;
            long batchFirst = have;
            int b;
            while (index < archived && (b = in.read()) >= 0) {
                if (b != '\n') {
                    if (index >= have) {
                        line.write(b);
                    }
                    continue;
                }
                if (index >= have) {
                    byte[] bytes = line.toByteArray();
                    lines.add(store.codec().decode(bytes, 0, bytes.length));
                    batch.write(bytes, 0, bytes.length);
                    batch.write('\n');
                    line.reset();
                    if (batch.size() >= RESTORE_BATCH_BYTES) {
                        have = store.appendAt(jobId, batchFirst, lines, batch.toByteArray());
                        batchFirst = index + 1;
                        lines.clear();
                        batch.reset();
                    }
                }
                index++;
            }
            if (!lines.isEmpty()) {
                have = store.appendAt(jobId, batchFirst, lines, batch.toByteArray());
            }
        } catch (IOException e) {
            log.warn("job {}: cannot read the archived log {}: {}", jobId, ref.archiveKey(), e.toString());
        }
        copiedFromArchive.increment(Math.max(0, have - before));
        return have > before;
    }

    private void run() {
        long nextSweep = System.nanoTime() + SWEEP.toNanos();
        while (running) {
            try {
                long waitNanos = nextSweep - System.nanoTime();
                if (waitNanos > 0) {
                    wake.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
                }
                wake.drainPermits();
                if (System.nanoTime() - nextSweep >= 0) {
                    followed.get().forEach(pending::add);
                    nextSweep = System.nanoTime() + SWEEP.toNanos();
                }
                for (String jobId : List.copyOf(pending)) {
                    pending.remove(jobId);
                    if (running) {
                        catchUp(jobId);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("log chunk follower: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
