package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code artifact_storage:} where the files steps produce are kept, as in the original: under
 * {@code prefix} in {@code archive} (same shape as {@code log_storage.archive}) or, without it, in
 * the log archive; each file at most {@code max_file_bytes}, a job's files together at most
 * {@code max_job_bytes}.
 */
public record ArtifactStorageConfig(
        @JsonProperty("prefix") String prefix,
        @JsonProperty("max_file_bytes") Long maxFileBytes,
        @JsonProperty("max_job_bytes") Long maxJobBytes,
        @JsonProperty("archive") ArchiveConfig archive) {

    public static final String DEFAULT_PREFIX = "artifacts/";
    public static final long DEFAULT_MAX_FILE_BYTES = 100L * 1024 * 1024;
    public static final long DEFAULT_MAX_JOB_BYTES = 1024L * 1024 * 1024;

    public ArtifactStorageConfig withDefaults() {
        return new ArtifactStorageConfig(prefix == null ? DEFAULT_PREFIX : prefix,
                maxFileBytes == null ? DEFAULT_MAX_FILE_BYTES : maxFileBytes,
                maxJobBytes == null ? DEFAULT_MAX_JOB_BYTES : maxJobBytes, archive);
    }
}
