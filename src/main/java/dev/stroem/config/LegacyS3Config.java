package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The legacy {@code log_storage.s3} block, still supported; {@code archive} takes precedence. */
public record LegacyS3Config(
        @JsonProperty("bucket") String bucket,
        @JsonProperty("region") String region,
        @JsonProperty("prefix") String prefix,
        @JsonProperty("endpoint") String endpoint) {}
