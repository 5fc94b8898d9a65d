package dev.stroem.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A step's lifecycle: pending → ready → running → completed | failed, or skipped / cancelled. */
public enum StepStatus {
    PENDING, READY, RUNNING, COMPLETED, FAILED, SKIPPED, CANCELLED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == SKIPPED || this == CANCELLED;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StepStatus fromWireName(String name) {
        for (var s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown step status \"" + name + "\"");
    }
}
