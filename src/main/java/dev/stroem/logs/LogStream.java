package dev.stroem.logs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/** The output stream a line came from; written as {@code "stdout"} / {@code "stderr"}. */
public enum LogStream {
    STDOUT("stdout"),
    STDERR("stderr");

    private final String wireName;

    LogStream(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The stream for a wire name, or empty when the name is neither {@code stdout} nor {@code stderr}. */
    public static Optional<LogStream> fromWireName(String name) {
        for (LogStream s : values()) {
            if (s.wireName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
