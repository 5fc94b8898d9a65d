package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code log_storage.read}: how much of a log a plain read returns before it is tailed, and where
 * a read that merges an archived and a local log out of order spills its sorted runs
 * ({@code merge_spill_dir}, default {@code java.io.tmpdir}).
 */
public record LogReadConfig(
        @JsonProperty("tail_default_bytes") Long tailDefaultBytes,
        @JsonProperty("merge_spill_dir") String mergeSpillDir) {
    public static final long DEFAULT_TAIL_BYTES = 4L * 1024 * 1024;

    public LogReadConfig(Long tailDefaultBytes) {
        this(tailDefaultBytes, null);
    }

    /** This block with the documented defaults filled in (once, at load). */
    public LogReadConfig withDefaults() {
        return new LogReadConfig(tailDefaultBytes == null ? DEFAULT_TAIL_BYTES : tailDefaultBytes, mergeSpillDir);
    }
}
