package dev.stroem.logs;

import java.util.List;

/**
 * Told about every batch the {@link LocalLogStore} writes, for live fan-out to viewers.
 *
 * <p>Called after the bytes reached the file, while the job's lock is held: calls for one job
 * arrive one at a time in index order, and no line of that job can be written or read as
 * "after" these before the call returns. Implementations must therefore be quick and must not
 * block (hand the data to a queue) and must not append to the store. Duplicate (retried)
 * batches are not reported. An exception thrown here is logged and does not fail the append.
 */
@FunctionalInterface
public interface LogAppendListener {

    /**
     * @param jobId      the job
     * @param firstIndex global index of {@code lines.get(0)}
     * @param lines      the lines as stored (normalized and split), never empty
     * @param jsonl      the exact bytes written: the JSONL of {@code lines}, each ending in {@code \n}; do not modify
     */
    void appended(String jobId, long firstIndex, List<LogLine> lines, byte[] jsonl);
}
