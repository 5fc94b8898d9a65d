package dev.stroem.logs.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Where a job's log stands in the durable archival queue, as the job detail shows it:
 * {@code pending} (queued or retrying soon), {@code archived} (with key and time), or
 * {@code failing} (with attempts and the last error).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArchiveState(
        @JsonProperty("state") String state,
        @JsonProperty("attempts") int attempts,
        @JsonProperty("last_error") String lastError,
        @JsonProperty("next_attempt_at") Instant nextAttemptAt,
        @JsonProperty("key") String key,
        @JsonProperty("archived_at") Instant archivedAt,
        @JsonProperty("archived_bytes") Long archivedBytes,
        @JsonProperty("generation") long generation,
        @JsonProperty("archived_generation") Long archivedGeneration) {

    public static final String PENDING = "pending";
    public static final String ARCHIVED = "archived";
    public static final String FAILING = "failing";
}
