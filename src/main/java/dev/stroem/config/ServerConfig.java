package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The whole server configuration file (field names as in the original Strøm's server-config.yaml).
 * Sections that are absent get their documented defaults from {@code ConfigLoader}.
 */
public record ServerConfig(
        @JsonProperty("listen") String listen,
        @JsonProperty("db") DbConfig db,
        @JsonProperty("worker_token") String workerToken,
        @JsonProperty("log_storage") LogStorageConfig logStorage,
        @JsonProperty("workspaces") Map<String, WorkspaceConfig> workspaces,
        @JsonProperty("recovery") RecoveryConfig recovery,
        @JsonProperty("retention") RetentionConfig retention,
        @JsonProperty("auth") AuthConfig auth) {

    public static final String DEFAULT_LISTEN = "0.0.0.0:8080";
}
