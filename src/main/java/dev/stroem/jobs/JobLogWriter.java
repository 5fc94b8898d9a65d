package dev.stroem.jobs;

import dev.stroem.logs.AppendResult;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.ServerEvents;
import dev.stroem.logs.archive.ArchiveQueue;
import dev.stroem.jobs.store.JobStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Every write the server makes into a job's log: worker batches and server events. A line that
 * arrives after the job's log was queued for archival (a late worker batch, a hook that failed
 * later) re-queues the archival, so the archive always ends complete.
 */
public final class JobLogWriter {
    private final LocalLogStore store;
    private final ServerEvents events;
    private final JobStore jobs;
    private final ArchiveQueue archiveQueue;
    private final Clock clock;
    private final Runnable archivalQueued;

    /** {@code archiveQueue} is null when no archive is configured. */
    public JobLogWriter(LocalLogStore store, JobStore jobs, ArchiveQueue archiveQueue, Clock clock) {
        this(store, jobs, archiveQueue, clock, () -> {});
    }

    /**
     * @param archiveQueue   null when no archive is configured
     * @param archivalQueued called after a re-archive was queued (wakes the uploader)
     */
    public JobLogWriter(LocalLogStore store, JobStore jobs, ArchiveQueue archiveQueue, Clock clock,
            Runnable archivalQueued) {
        this.store = store;
        this.events = new ServerEvents(store, clock);
        this.jobs = jobs;
        this.archiveQueue = archiveQueue;
        this.clock = clock;
        this.archivalQueued = archivalQueued;
    }

    /** Appends a worker's batch; a repeated {@code batchId} is not written twice. */
    public AppendResult appendBatch(String jobId, String batchId, List<LogLine> lines) {
        var result = store.append(jobId, batchId, lines);
        if (!result.duplicate()) {
            requeueArchivalIfFinalised(jobId);
        }
        return result;
    }

    /** Appends a server event {@code [source] message} ({@code step: "_server"}, {@code stream: "stderr"}). */
    public void serverEvent(String jobId, String source, String message) {
        events.write(jobId, source, message);
        requeueArchivalIfFinalised(jobId);
    }

    private void requeueArchivalIfFinalised(String jobId) {
        // Checked after the write: if finalisation had not committed yet, its own archival
        // request comes later and its upload reads the file after this line.
        if (archiveQueue != null && jobs.isFinalised(jobId)) {
            archiveQueue.request(jobId, Instant.ofEpochMilli(clock.millis()));
            archivalQueued.run();
        }
    }
}
