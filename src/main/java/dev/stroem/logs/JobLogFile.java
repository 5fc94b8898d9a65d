package dev.stroem.logs;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store's state of one job: its lock, line index, batch ledger and (maybe) open write
 * handle. Everything but {@code pins} is guarded by {@code lock}; {@code pins} is only touched
 * inside the store's map operations on this job's key.
 */
final class JobLogFile {

    final String jobId;
    final Path jsonl;
    final Path batches;
    final Path index;
    final ReentrantLock lock = new ReentrantLock();

    /** Threads currently using this state; an entry is only dropped from the store's map at zero. */
    int pins;

    LineIndex lines;
    BatchLedger ledger;
    /** False while the state was loaded by a read only: the first append then repairs what a crash left. */
    boolean repaired;
    volatile FileChannel channel;

    JobLogFile(String jobId, Path dir) {
        this.jobId = jobId;
        this.jsonl = dir.resolve(jobId + ".jsonl");
        this.batches = dir.resolve(jobId + ".batches");
        this.index = dir.resolve(jobId + ".idx");
    }

    boolean loaded() {
        return lines != null;
    }
}
