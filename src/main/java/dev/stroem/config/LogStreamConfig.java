package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code log_storage.stream}: the live log WebSocket ({@code GET /api/jobs/{id}/logs/stream}).
 *
 * @param bufferBytes             recent lines kept in memory per watched job; a viewer further behind
 *                                is served from the log file instead
 * @param pingIntervalSecs        an idle socket gets a ping this often (keeps proxies from closing it)
 * @param unresponsiveTimeoutSecs a viewer that neither accepts a frame nor answers a ping for this long
 *                                is disconnected (close code 1008 with the reason)
 */
public record LogStreamConfig(
        @JsonProperty("buffer_bytes") Long bufferBytes,
        @JsonProperty("ping_interval_secs") Long pingIntervalSecs,
        @JsonProperty("unresponsive_timeout_secs") Long unresponsiveTimeoutSecs) {

    public static final long DEFAULT_BUFFER_BYTES = 1L << 20;
    public static final long DEFAULT_PING_INTERVAL_SECS = 30;
    public static final long DEFAULT_UNRESPONSIVE_TIMEOUT_SECS = 60;

    /** This block with the documented defaults filled in (once, at load). */
    public LogStreamConfig withDefaults() {
        return new LogStreamConfig(bufferBytes == null ? DEFAULT_BUFFER_BYTES : bufferBytes,
                pingIntervalSecs == null ? DEFAULT_PING_INTERVAL_SECS : pingIntervalSecs,
                unresponsiveTimeoutSecs == null ? DEFAULT_UNRESPONSIVE_TIMEOUT_SECS : unresponsiveTimeoutSecs);
    }
}
