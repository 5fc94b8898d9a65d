package dev.stroem.jobs;

import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.logs.AppendResult;
import dev.stroem.logs.LocalLogStore;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.ServerEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Every write the server makes into a job's log: worker batches and server events. A line that
 * arrives after the job's log was finalised (a late worker batch, a hook that failed later)
 * requests another upload, so the archive always ends complete. The request is made for a
 * retried batch too: when it failed after the write (a database error), the worker's retry is
 * a duplicate, and it is the only chance left to make it.
 */
public final class JobLogWriter {
    private final LocalLogStore store;
    private final ServerEvents events;
    private final UploadRequests uploads;
    private final Clock clock;
    private final Runnable archivalQueued;

    /** Asks for another upload of a finalised job's log; the seam a test injects a database failure through. */
    @FunctionalInterface
    public interface UploadRequests {
        /** @return true when an upload was requested (the job's log is finalised and an archive is configured) */
        boolean requestUpload(String jobId, Instant now);

        /** Requests through the durable log state, or nothing when no archive is configured. */
        static UploadRequests of(LogStateStore states, boolean archiveConfigured) {
            return archiveConfigured ? states::requestUpload : (jobId, now) -> false;
        }
    }

    /**
     * @param archivalQueued called after a re-upload was requested (wakes the uploader)
     */
    public JobLogWriter(LocalLogStore store, UploadRequests uploads, Clock clock, Runnable archivalQueued) {
        this.store = store;
        this.events = new ServerEvents(store, clock);
        this.uploads = uploads;
        this.clock = clock;
        this.archivalQueued = archivalQueued;
    }

    /** Appends a worker's batch; a repeated {@code batchId} is not written twice. */
    public AppendResult appendBatch(String jobId, String batchId, List<LogLine> lines) {
        var result = store.append(jobId, batchId, lines);
        if (!lines.isEmpty()) {
            requestUploadIfFinalised(jobId);
        }
        return result;
    }

    /**
     * Appends a server event {@code [source] message} ({@code step: "_server"}, {@code stream:
     * "stderr"}) once: {@code eventId} is deterministic (e.g. {@code finalize:{job}:{hook}}), so a
     * retried finalisation, recovery or orchestration step does not write its event twice.
     */
    public void serverEvent(String jobId, String eventId, String source, String message) {
        events.write(jobId, eventId, source, message);
        requestUploadIfFinalised(jobId);
    }

    private void requestUploadIfFinalised(String jobId) {
        // After the write: if finalisation had not committed yet, its own request comes later and
        // its upload reads the file after this line.
        if (uploads.requestUpload(jobId, Instant.ofEpochMilli(clock.millis()))) {
            archivalQueued.run();
        }
    }
}
