package dev.stroem.logs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the write handles the store keeps open: at most {@code capacity} at any moment, the
 * least recently used one that is not in use closed to make room. A handle is only closed while
 * its job's lock is held (taken with {@code tryLock}, so two jobs making room for each other never
 * deadlock), so an eviction never cuts into another thread's write. When every open handle is in
 * use, the caller waits until a job's lock is released ({@link #lockReleased()}) rather than spin.
 */
final class HandleCache {

    private static final Logger log = LoggerFactory.getLogger(HandleCache.class);

    /** Longest single wait for a handle to become evictable; only a safety net, releases notify. */
    private static final long WAIT_MILLIS = 50;

    private final int capacity;
    private final LinkedHashMap<JobLogFile, Boolean> open = new LinkedHashMap<>(64, 0.75f, true);
    /** Guarded by this: counts lock releases, so a waiter never misses one that came before it waited. */
    private long releases;
    private volatile int waiters;

    HandleCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("handle cache capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** The job's write handle, opened when needed. Call with {@code job.lock} held. */
    FileChannel acquire(JobLogFile job) throws IOException {
        if (job.channel != null) {
            synchronized (this) {
                open.get(job); // marks it most recently used
            }
            return job.channel;
        }
        reserve(job);
        try {
            job.channel = FileChannel.open(job.jsonl, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                open.remove(job);
            }
            throw e;
        }
        return job.channel;
    }

    /** Closes the job's handle if open, optionally fsyncing first. Call with {@code job.lock} held. */
    void release(JobLogFile job, boolean fsync) throws IOException {
        if (job.ledger != null) {
            job.ledger.closeFile();
        }
        FileChannel ch = job.channel;
        if (ch == null) {
            return;
        }
        job.channel = null;
        synchronized (this) {
            open.remove(job);
        }
        try (ch) {
            if (fsync) {
                ch.force(true);
            }
        }
    }

    synchronized int openCount() {
        return open.size();
    }

    /** Closes every handle (store shutdown), fsyncing each. */
    void closeAll() {
        List<JobLogFile> all;
        synchronized (this) {
            all = new ArrayList<>(open.keySet());
        }
        for (JobLogFile job : all) {
            job.lock.lock();
            try {
                release(job, true);
            } catch (IOException e) {
                log.warn("Could not close the log of job {} cleanly: {}", job.jobId, e.toString());
            } finally {
                job.lock.unlock();
            }
        }
    }

    /** A job's lock was released: a caller waiting for an evictable handle may find one now. Cheap when nobody waits. */
    void lockReleased() {
        if (waiters > 0) {
            synchronized (this) {
                releases++;
                notifyAll();
            }
        }
    }

    private void reserve(JobLogFile job) {
        while (true) {
            List<JobLogFile> candidates;
            long seen;
            synchronized (this) {
                if (open.size() < capacity) {
                    open.put(job, Boolean.TRUE);
                    return;
                }
                // Least recently used first; every one of them, not a fixed few.
                candidates = new ArrayList<>(open.keySet());
                seen = releases;
                waiters++;
            }
            try {
                if (evictOne(candidates)) {
                    continue;
                }
                // Every open handle is mid-write: their writes finish without needing us.
                synchronized (this) {
                    if (releases == seen && open.size() >= capacity) {
                        wait(WAIT_MILLIS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a log file handle", e);
            } finally {
                synchronized (this) {
                    waiters--;
                }
            }
        }
    }

    private boolean evictOne(List<JobLogFile> victims) {
        for (JobLogFile victim : victims) {
            if (!victim.lock.tryLock()) {
                continue;
            }
            try {
                boolean removed;
                synchronized (this) {
                    removed = open.remove(victim) != null;
                }
                FileChannel ch = victim.channel;
                victim.channel = null;
                if (victim.ledger != null) {
                    victim.ledger.closeFile();
                }
                if (ch != null) {
                    // The data already reached the kernel with each write; fsync is close(jobId)'s job.
                    ch.close();
                }
                if (removed || ch != null) {
                    return true;
                }
            } catch (IOException e) {
                log.warn("Could not close the log handle of job {}: {}", victim.jobId, e.toString());
                return true;
            } finally {
                victim.lock.unlock();
            }
        }
        return false;
    }
}
