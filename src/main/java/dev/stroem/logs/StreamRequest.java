package dev.stroem.logs;

import java.util.Objects;

/**
 * What a live log viewer asked for.
 *
 * @param jobId   the job
 * @param from    global line position to start at: lines at positions {@code >= from} are sent
 * @param step    only lines of this step (positions still count every line), null for all
 * @param control whether frames are JSON envelopes with positions ({@code control=true}) rather than bare JSONL
 */
public record StreamRequest(String jobId, long from, String step, boolean control) {

    public StreamRequest {
        Objects.requireNonNull(jobId, "jobId");
        if (from < 0) {
            throw new IllegalArgumentException("from must not be negative, got " + from);
        }
    }
}
