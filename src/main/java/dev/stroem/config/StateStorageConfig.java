package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code state_storage:} where task and global state snapshots are kept, as in the original: under
 * {@code prefix} in {@code archive} or, without it, in the log archive; {@code max_snapshots} kept
 * per task (and per workspace for global state).
 */
public record StateStorageConfig(
        @JsonProperty("prefix") String prefix,
        @JsonProperty("max_snapshots") Integer maxSnapshots,
        @JsonProperty("archive") ArchiveConfig archive) {

    public static final String DEFAULT_PREFIX = "state/";
    public static final int DEFAULT_MAX_SNAPSHOTS = 5;

    public StateStorageConfig withDefaults() {
        return new StateStorageConfig(prefix == null ? DEFAULT_PREFIX : prefix,
                maxSnapshots == null ? DEFAULT_MAX_SNAPSHOTS : maxSnapshots, archive);
    }
}
