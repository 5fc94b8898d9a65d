package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code log_storage.read}: how much of a log a plain read returns before it is tailed. */
public record LogReadConfig(@JsonProperty("tail_default_bytes") Long tailDefaultBytes) {
    public static final long DEFAULT_TAIL_BYTES = 4L * 1024 * 1024;

    public long tailDefaultBytesOrDefault() {
        return tailDefaultBytes == null ? DEFAULT_TAIL_BYTES : tailDefaultBytes;
    }

    public LogReadConfig withDefaults() {
        return new LogReadConfig(tailDefaultBytesOrDefault());
    }
}
