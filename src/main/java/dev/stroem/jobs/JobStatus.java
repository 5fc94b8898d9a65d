package dev.stroem.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A job's lifecycle: pending → running → completed | failed | cancelled. */
public enum JobStatus {
    PENDING, RUNNING, COMPLETED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
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
                + "\" (expected pending, running, completed, failed or cancelled)");
    }
}
