package dev.stroem.config;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The worker configuration file (field names as in the original Strøm's worker-config.yaml).
 * {@link ConfigLoader} returns it with the defaults applied ({@link #withDefaults()});
 * {@code worker_name}, {@code work_dir}, {@code spool_dir} and {@code workspace_cache_dir} stay
 * null when absent ({@link #withMachine}). The original's keys for runners this worker does not
 * have ({@code runner_image}, {@code docker}, {@code kubernetes}, {@code agents},
 * {@code max_event_sources}) are read so that its config files load, and otherwise unused.
 *
 * @param workspaceCacheDir where downloaded workspace revisions are kept ({@code workspace_dir}
 *     in older files of the original)
 * @param maxRetainedRevisions how many revisions of a workspace are kept besides the newest
 * @param exclusive the worker takes only steps whose tags cover all of its own tags
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
        @JsonProperty("claim_wait_secs") Long claimWaitSecs,
        @JsonProperty("workspace_cache_dir") @JsonAlias("workspace_dir") String workspaceCacheDir,
        @JsonProperty("max_retained_revisions") Integer maxRetainedRevisions,
        @JsonProperty("exclusive") Boolean exclusive,
        @JsonProperty("request_timeout_secs") Long requestTimeoutSecs,
        @JsonProperty("connect_timeout_secs") Long connectTimeoutSecs,
        @JsonProperty("runner_image") String runnerImage,
        @JsonProperty("docker") JsonNode docker,
        @JsonProperty("kubernetes") JsonNode kubernetes,
        @JsonProperty("agents") JsonNode agents,
        @JsonProperty("max_event_sources") Integer maxEventSources) {

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
    /** Old workspace revisions kept per workspace besides the newest (the original's default). */
    public static final int DEFAULT_MAX_RETAINED_REVISIONS = 2;
    public static final long DEFAULT_REQUEST_TIMEOUT_SECS = 30;
    public static final long DEFAULT_CONNECT_TIMEOUT_SECS = 10;

    @JsonCreator
    public WorkerConfig {
        capabilities = capabilities == null ? null : Collections.unmodifiableList(new ArrayList<>(capabilities));
        tags = tags == null ? null : Collections.unmodifiableList(new ArrayList<>(tags));
    }

    /** The settings every worker had before workspaces were downloaded; the rest stay unset. */
    public WorkerConfig(String serverUrl, String workerToken, String workerName, Integer maxConcurrent,
            Long pollIntervalSecs, Long heartbeatIntervalSecs, List<String> capabilities, List<String> tags,
            String workDir, String spoolDir, Long shutdownGraceSecs, Long claimWaitSecs) {
        this(serverUrl, workerToken, workerName, maxConcurrent, pollIntervalSecs, heartbeatIntervalSecs, capabilities,
                tags, workDir, spoolDir, shutdownGraceSecs, claimWaitSecs, null, null, null, null, null, null, null,
                null, null, null);
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
                claimWaitSecs == null ? DEFAULT_CLAIM_WAIT_SECS : claimWaitSecs,
                workspaceCacheDir,
                maxRetainedRevisions == null ? DEFAULT_MAX_RETAINED_REVISIONS : maxRetainedRevisions,
                exclusive != null && exclusive,
                requestTimeoutSecs == null ? DEFAULT_REQUEST_TIMEOUT_SECS : requestTimeoutSecs,
                connectTimeoutSecs == null ? DEFAULT_CONNECT_TIMEOUT_SECS : connectTimeoutSecs,
                runnerImage, docker, kubernetes, agents, maxEventSources);
    }

    /**
     * With the settings that depend on the machine filled in: the worker's name, its work dir,
     * its spool dir and its workspace cache (each kept when the file set it).
     */
    public WorkerConfig withMachine(String name, String defaultWorkDir) {
        String work = workDir != null ? workDir : defaultWorkDir;
        return new WorkerConfig(serverUrl, workerToken, workerName != null ? workerName : name, maxConcurrent,
                pollIntervalSecs, heartbeatIntervalSecs, capabilities, tags, work,
                spoolDir != null ? spoolDir : Path.of(work, "spool").toString(), shutdownGraceSecs, claimWaitSecs,
                workspaceCacheDir != null ? workspaceCacheDir : Path.of(work, "workspaces").toString(),
                maxRetainedRevisions, exclusive, requestTimeoutSecs, connectTimeoutSecs, runnerImage, docker,
                kubernetes, agents, maxEventSources);
    }
}
