package dev.stroem.logs;

import java.util.List;

/**
 * Where the server writes a job's lines: the {@link LocalLogStore} itself on a single node, or the
 * shared database first and then the local file when several replicas share one PostgreSQL
 * ({@code logs.replica}). Either way a repeated batch id is stored once.
 */
@FunctionalInterface
public interface LogAppender {

    /**
     * Appends a batch of lines to the job's log.
     *
     * @param batchId the producer's id for this batch, so a retry is recognised; null when the
     *                caller does not retry
     * @return where the lines went, or where they went the first time for a repeated batch id
     * @throws IllegalArgumentException for an unsafe job id or step name or a bad batch id; nothing is stored
     */
    AppendResult append(String jobId, String batchId, List<LogLine> lines);
}
