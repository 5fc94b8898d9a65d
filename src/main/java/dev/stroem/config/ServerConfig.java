package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole server configuration file (field names as in the original Strøm's server-config.yaml).
 * {@link ConfigLoader} returns it with every default applied ({@link #withDefaults()}); only
 * {@code auth}, {@code acl} and the archive blocks inside {@code log_storage} stay null when absent.
 */
public record ServerConfig(
        @JsonProperty("listen") String listen,
        @JsonProperty("db") DbConfig db,
        @JsonProperty("worker_token") String workerToken,
        @JsonProperty("log_storage") LogStorageConfig logStorage,
        @JsonProperty("workspaces") Map<String, WorkspaceConfig> workspaces,
        @JsonProperty("recovery") RecoveryConfig recovery,
        @JsonProperty("retention") RetentionConfig retention,
        @JsonProperty("auth") AuthConfig auth,
        @JsonProperty("acl") AclConfig acl,
        @JsonProperty("artifact_storage") ArtifactStorageConfig artifactStorage,
        @JsonProperty("state_storage") StateStorageConfig stateStorage) {

    public static final String DEFAULT_LISTEN = "0.0.0.0:8080";

    public ServerConfig {
        // Keep the file's order: it is the order workspaces are listed in.
        workspaces = workspaces == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(workspaces));
    }

    /** Without the storage sections (the form every caller used before they existed). */
    public ServerConfig(String listen, DbConfig db, String workerToken, LogStorageConfig logStorage,
            Map<String, WorkspaceConfig> workspaces, RecoveryConfig recovery, RetentionConfig retention, AuthConfig auth,
            AclConfig acl) {
        this(listen, db, workerToken, logStorage, workspaces, recovery, retention, auth, acl, null, null);
    }

    /** Without {@code acl} (the form every caller used before the section existed). */
    public ServerConfig(String listen, DbConfig db, String workerToken, LogStorageConfig logStorage,
            Map<String, WorkspaceConfig> workspaces, RecoveryConfig recovery, RetentionConfig retention, AuthConfig auth) {
        this(listen, db, workerToken, logStorage, workspaces, recovery, retention, auth, null, null, null);
    }

    /**
     * This configuration with every documented default filled in: resolved once, when the file is
     * loaded (and by {@code ServerApp.start} for configs built in code), so use sites read plain
     * fields instead of repeating fallbacks. Applying it twice changes nothing.
     */
    public ServerConfig withDefaults() {
        return new ServerConfig(listen == null ? DEFAULT_LISTEN : listen,
                (db == null ? new DbConfig(null) : db).withDefaults(), workerToken,
                (logStorage == null ? new LogStorageConfig(null, null, null, null) : logStorage).withDefaults(),
                workspaces == null ? Map.of() : workspaces,
                (recovery == null ? new RecoveryConfig(null, null, null) : recovery).withDefaults(),
                (retention == null ? new RetentionConfig(null, null, null) : retention).withDefaults(), auth, acl,
                (artifactStorage == null ? new ArtifactStorageConfig(null, null, null, null) : artifactStorage).withDefaults(),
                (stateStorage == null ? new StateStorageConfig(null, null, null) : stateStorage).withDefaults());
    }
}
