package dev.stroem.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A job's lifecycle: pending → running → completed | failed | cancelled. A scheduler trigger's fire
 * skipped by its {@code concurrency: skip} policy is recorded as a job that is {@code skipped} from
 * the start (no steps run).
 */
public enum JobStatus {
    PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, SKIPPED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == SKIPPED;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus fromWireName(String name) {
        for (var s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown job status \"" + name
                + "\" (expected pending, running, completed, failed, cancelled or skipped)");
    }
}
