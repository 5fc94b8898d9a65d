package dev.stroem.logs;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a job's log: {@code {"ts","stream","step","line"}} in that order on disk.
 * {@code ts} is kept to the millisecond, as the JSONL format writes it.
 */
public record LogLine(Instant ts, LogStream stream, String step, String line) {

    /** The step name of server events (hook failures, orchestration errors, recovery). */
    public static final String SERVER_STEP = "_server";

    public LogLine {
        Objects.requireNonNull(ts, "ts");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(line, "line");
    }
}
