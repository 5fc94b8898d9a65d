package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code retention:} absent fields mean "keep forever". */
public record RetentionConfig(
        @JsonProperty("job_days") Long jobDays,
        @JsonProperty("worker_hours") Long workerHours,
        @JsonProperty("interval_secs") Long intervalSecs) {

    public static final long DEFAULT_INTERVAL_SECS = 3600;

    public RetentionConfig withDefaults() {
        return new RetentionConfig(jobDays, workerHours, intervalSecs == null ? DEFAULT_INTERVAL_SECS : intervalSecs);
    }
}
