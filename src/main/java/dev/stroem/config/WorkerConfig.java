package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The worker configuration file (field names as in the original Strøm's worker-config.yaml). */
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
        @JsonProperty("spool_dir") String spoolDir) {}
