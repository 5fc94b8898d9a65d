package dev.stroem.jobs.store;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Where a job's log stands (table {@code job_logs}), as the job detail shows it under
 * {@code "archive"}: see {@link LogStateStore} for the states.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogState(
        @JsonProperty("state") String state,
        @JsonProperty("attempts") int attempts,
        @JsonProperty("last_error") String lastError,
        @JsonProperty("next_attempt_at") Instant nextAttemptAt,
        @JsonProperty("key") String key,
        @JsonProperty("archived_at") Instant archivedAt,
        @JsonProperty("archived_bytes") Long archivedBytes,
        @JsonProperty("archived_lines") Long archivedLines,
        @JsonProperty("generation") long generation,
        @JsonProperty("archived_generation") Long archivedGeneration,
        @JsonProperty("lease_owner") String leaseOwner,
        @JsonProperty("lease_until") Instant leaseUntil) {

    public static final String LIVE = "live";
    public static final String FINALISING = "finalising";
    public static final String COMPLETE = "complete";
    public static final String ARCHIVING = "archiving";
    public static final String ARCHIVED = "archived";
    public static final String FAILING = "failing";
    public static final String MISSING = "missing";

    /** True once nothing more is expected from the job itself: hooks fired, archival (if any) requested. */
    @JsonIgnore
    public boolean finalised() {
        return !LIVE.equals(state) && !FINALISING.equals(state);
    }
}
