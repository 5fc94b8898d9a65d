package dev.stroem.logs;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Writes server-side events (hook failures, orchestration errors, recovery timeouts) into a
 * job's log as {@code {"ts":now,"stream":"stderr","step":"_server","line":"[source] message"}},
 * where the UI's "Server Events" panel and {@code GET /api/jobs/{id}/steps/_server/logs} find them.
 */
public final class ServerEvents {

    private final LogAppender store;
    private final Clock clock;

    public ServerEvents(LogAppender store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Appends one server event to the job's log.
     *
     * @param eventId the event's batch id, deterministic so that a retry of what reports it is
     *                recognised and not written twice; null when the event may repeat
     * @param source  who reports it, e.g. {@code hooks}, {@code orchestrator}, {@code recovery}
     * @param message what happened
     * @return where the line went (the first write's position for a repeated event id)
     */
    public AppendResult write(String jobId, String eventId, String source, String message) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("a server event needs a source, e.g. \"hooks\"");
        }
        Objects.requireNonNull(message, "message");
        LogLine line = new LogLine(clock.instant(), LogStream.STDERR, LogLine.SERVER_STEP, "[" + source + "] " + message);
        return store.append(jobId, eventId, List.of(line));
    }
}
