package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code recovery:} stale workers, step and job timeouts, steps no worker can run. */
public record RecoveryConfig(
        @JsonProperty("heartbeat_timeout_secs") Long heartbeatTimeoutSecs,
        @JsonProperty("sweep_interval_secs") Long sweepIntervalSecs,
        @JsonProperty("unmatched_step_timeout_secs") Long unmatchedStepTimeoutSecs) {

    public static final long DEFAULT_HEARTBEAT_TIMEOUT_SECS = 120;
    public static final long DEFAULT_SWEEP_INTERVAL_SECS = 60;
    public static final long DEFAULT_UNMATCHED_STEP_TIMEOUT_SECS = 30;

    public RecoveryConfig withDefaults() {
        return new RecoveryConfig(
                heartbeatTimeoutSecs == null ? DEFAULT_HEARTBEAT_TIMEOUT_SECS : heartbeatTimeoutSecs,
                sweepIntervalSecs == null ? DEFAULT_SWEEP_INTERVAL_SECS : sweepIntervalSecs,
                unmatchedStepTimeoutSecs == null ? DEFAULT_UNMATCHED_STEP_TIMEOUT_SECS : unmatchedStepTimeoutSecs);
    }
}
