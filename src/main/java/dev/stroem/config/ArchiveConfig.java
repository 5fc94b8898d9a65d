package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code log_storage.archive}: {@code type} is {@code s3} or {@code local}. */
public record ArchiveConfig(
        @JsonProperty("type") String type,
        @JsonProperty("bucket") String bucket,
        @JsonProperty("region") String region,
        @JsonProperty("prefix") String prefix,
        @JsonProperty("endpoint") String endpoint,
        @JsonProperty("path") String path) {

    public static final String TYPE_S3 = "s3";
    public static final String TYPE_LOCAL = "local";
    public static final String DEFAULT_PREFIX = "";

    /** This block with the documented defaults filled in (the prefix is {@code ""} when none is configured). */
    public ArchiveConfig withDefaults() {
        return new ArchiveConfig(type, bucket, region, prefix == null ? DEFAULT_PREFIX : prefix, endpoint, path);
    }
}
