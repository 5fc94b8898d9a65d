package dev.stroem.jobs;

import dev.stroem.jobs.store.LogStateStore;
import dev.stroem.logs.AppendResult;
import dev.stroem.logs.LogAppender;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.ServerEvents;
import dev.stroem.secrets.MaskSource;
import dev.stroem.secrets.Masker;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every write the server makes into a job's log: worker batches and server events. A line that
 * arrives after the job's log was finalised (a late worker batch, a hook that failed later)
 * requests another upload, so the archive always ends complete. The request is made for a
 * retried batch too: when it failed after the write (a database error), the worker's retry is
 * a duplicate, and it is the only chance left to make it.
 *
 * <p>Lines go through a {@link LogAppender}: the local file on a single node, the shared database
 * and then the local file with several replicas.
 *
 * <p>Every line is masked here, before it reaches the local file: the live feed, the archive and
 * every read come from that file, so a secret a worker printed (masking or not) is never stored.
 */
public final class JobLogWriter {
    private final LogAppender store;
    private final ServerEvents events;
    private final UploadRequests uploads;
    private final Clock clock;
    private final Runnable archivalQueued;
    private final MaskSource masks;

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
    public JobLogWriter(LogAppender store, UploadRequests uploads, Clock clock, Runnable archivalQueued) {
        this(store, uploads, clock, archivalQueued, MaskSource.NONE);
    }

    /**
     * @param masks the secrets to mask in each job's lines and server events
     */
    public JobLogWriter(LogAppender store, UploadRequests uploads, Clock clock, Runnable archivalQueued, MaskSource masks) {
        this.masks = masks;
        this.store = store;
        this.events = new ServerEvents(store, clock);
        this.uploads = uploads;
        this.clock = clock;
        this.archivalQueued = archivalQueued;
    }

    /** Appends a worker's batch; a repeated {@code batchId} is not written twice. */
    public AppendResult appendBatch(String jobId, String batchId, List<LogLine> lines) {
        // The batch id is the worker's, unchanged: a retried batch is still recognised as a duplicate.
        var result = store.append(jobId, batchId, masked(masks.forJob(jobId), lines));
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
        events.write(jobId, eventId, source, masks.forJob(jobId).mask(message));
        requestUploadIfFinalised(jobId);
    }

    private static List<LogLine> masked(Masker masker, List<LogLine> lines) {
        if (masker.isEmpty()) {
            return lines;
        }
        List<LogLine> out = null;
        for (int i = 0; i < lines.size(); i++) {
            LogLine line = lines.get(i);
            String text = masker.mask(line.line());
            if (text != line.line() && out == null) {
                // Copy only once a line changed: most batches hold no secret.
                out = new ArrayList<>(lines.subList(0, i));
            }
            if (out != null) {
                out.add(text == line.line() ? line : new LogLine(line.ts(), line.stream(), line.step(), text));
            }
        }
        return out == null ? lines : out;
    }

    private void requestUploadIfFinalised(String jobId) {
        // After the write: if finalisation had not committed yet, its own request comes later and
        // its upload reads the file after this line.
        if (uploads.requestUpload(jobId, Instant.ofEpochMilli(clock.millis()))) {
            archivalQueued.run();
        }
    }
}
