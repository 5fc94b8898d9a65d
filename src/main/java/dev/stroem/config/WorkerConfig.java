package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The worker configuration file (field names as in the original Strøm's worker-config.yaml).
 * {@link ConfigLoader} returns it with the defaults applied ({@link #withDefaults()});
 * {@code worker_name}, {@code work_dir} and {@code spool_dir} stay null when absent.
 */
public record WorkerConfig(
        @JsonProperty("server_url") String serverUrl,
        @JsonProperty("worker_token") String workerToken,
        @JsonProperty("worker_name") String workerName,
        @JsonProperty("max_concurrent") Integer maxConcurrent,
        @JsonProperty("poll_interval_secs") Long pollIntervalSecs,
        @JsonProperty("heartbeat_interval_secs") Long heartbeatIntervalSecs,
        @JsonProperty("capabilities") List<String> capabilities,
        @JsonProperty("tags") List<String> tags,
        @JsonProperty("work_dir") String workDir,
        @JsonProperty("spool_dir") String spoolDir,
        @JsonProperty("shutdown_grace_secs") Long shutdownGraceSecs,
        @JsonProperty("claim_wait_secs") Long claimWaitSecs) {

    public static final int DEFAULT_MAX_CONCURRENT = 4;
    public static final long DEFAULT_POLL_INTERVAL_SECS = 1;
    public static final long DEFAULT_HEARTBEAT_INTERVAL_SECS = 30;
    public static final List<String> DEFAULT_CAPABILITIES = List.of("script");
    /** On SIGTERM, how long running steps may go on before they are killed. */
    public static final long DEFAULT_SHUTDOWN_GRACE_SECS = 30;
    /**
     * How long one claim may wait at the server for a step (our extension; 0 = poll as the
     * original worker does). Below the read timeouts of common proxies (60 s and more) and the
     * server's own cap (25 s).
     */
    public static final long DEFAULT_CLAIM_WAIT_SECS = 20;

    public WorkerConfig {
        capabilities = capabilities == null ? null : Collections.unmodifiableList(new ArrayList<>(capabilities));
        tags = tags == null ? null : Collections.unmodifiableList(new ArrayList<>(tags));
    }

    public WorkerConfig withDefaults() {
        return new WorkerConfig(serverUrl, workerToken, workerName,
                maxConcurrent == null ? DEFAULT_MAX_CONCURRENT : maxConcurrent,
                pollIntervalSecs == null ? DEFAULT_POLL_INTERVAL_SECS : pollIntervalSecs,
                heartbeatIntervalSecs == null ? DEFAULT_HEARTBEAT_INTERVAL_SECS : heartbeatIntervalSecs,
                capabilities == null ? DEFAULT_CAPABILITIES : capabilities,
                tags == null ? List.of() : tags,
                workDir, spoolDir,
                shutdownGraceSecs == null ? DEFAULT_SHUTDOWN_GRACE_SECS : shutdownGraceSecs,
                claimWaitSecs == null ? DEFAULT_CLAIM_WAIT_SECS : claimWaitSecs);
    }
}
