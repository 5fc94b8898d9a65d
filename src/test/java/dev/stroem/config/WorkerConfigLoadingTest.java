package dev.stroem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerConfigLoadingTest {

    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void minimalFileGetsEveryDocumentedDefault() {
        WorkerConfig config = loader.parseWorker("""
                server_url: "http://localhost:8080"
                worker_token: "w-token"
                """, "worker-config.yaml", Map.of());

        assertThat(config.serverUrl()).isEqualTo("http://localhost:8080");
        assertThat(config.workerToken()).isEqualTo("w-token");
        assertThat(config.maxConcurrent()).isEqualTo(4);
        assertThat(config.pollIntervalSecs()).isEqualTo(1L);
        assertThat(config.heartbeatIntervalSecs()).isEqualTo(30L);
        assertThat(config.capabilities()).containsExactly("script");
        assertThat(config.tags()).isEmpty();
        assertThat(config.shutdownGraceSecs()).isEqualTo(30L);
        assertThat(config.workerName()).isNull();
    }

    @Test
    void everyFieldIsRead() {
        WorkerConfig config = loader.parseWorker("""
                server_url: "https://stroem.example.com"
                worker_token: "w"
                worker_name: "builder-1"
                max_concurrent: 2
                poll_interval_secs: 5
                heartbeat_interval_secs: 10
                capabilities: [script, shell]
                tags:
                  - linux
                  - gpu
                work_dir: /var/stroem/work
                spool_dir: /var/stroem/spool
                shutdown_grace_secs: 0
                """, "worker-config.yaml", Map.of());

        assertThat(config).isEqualTo(new WorkerConfig("https://stroem.example.com", "w", "builder-1", 2, 5L, 10L,
                java.util.List.of("script", "shell"), java.util.List.of("linux", "gpu"), "/var/stroem/work",
                "/var/stroem/spool", 0L, WorkerConfig.DEFAULT_CLAIM_WAIT_SECS).withDefaults());
    }

    @Test
    void theOriginalWorkersConfigFileLoads() {
        // The full example of the original's getting-started/configuration.md and guides/runners.md.
        WorkerConfig config = loader.parseWorker("""
                server_url: "http://localhost:8080"
                worker_token: "change-in-production"
                worker_name: "worker-1"
                max_concurrent: 4
                poll_interval_secs: 2
                workspace_cache_dir: /tmp/stroem-workspace
                max_retained_revisions: 5
                request_timeout_secs: 60
                connect_timeout_secs: 5
                capabilities: [script, docker, kubernetes]
                tags: [batch-runner]
                exclusive: true
                runner_image: "ghcr.io/fremvaerk/stroem-runner:latest"
                docker: {}
                kubernetes:
                  namespace: stroem-jobs
                  init_image: curlimages/curl:latest
                max_event_sources: 5
                """, "worker-config.yaml", Map.of());

        assertThat(config.workspaceCacheDir()).isEqualTo("/tmp/stroem-workspace");
        assertThat(config.maxRetainedRevisions()).isEqualTo(5);
        assertThat(config.requestTimeoutSecs()).isEqualTo(60L);
        assertThat(config.connectTimeoutSecs()).isEqualTo(5L);
        assertThat(config.exclusive()).isTrue();
        assertThat(config.tags()).containsExactly("batch-runner");
        assertThat(config.runnerImage()).isEqualTo("ghcr.io/fremvaerk/stroem-runner:latest");
        assertThat(config.kubernetes().path("namespace").asText()).isEqualTo("stroem-jobs");
    }

    @Test
    void workspaceDirIsTheOlderNameOfTheWorkspaceCacheAndDefaultsAreTheOriginals() {
        WorkerConfig config = loader.parseWorker("""
                server_url: "http://localhost:8080"
                worker_token: "w"
                workspace_dir: /var/cache/stroem
                """, "worker-config.yaml", Map.of());

        assertThat(config.workspaceCacheDir()).isEqualTo("/var/cache/stroem");
        assertThat(config.maxRetainedRevisions()).isEqualTo(2);
        assertThat(config.exclusive()).isFalse();
        assertThat(config.requestTimeoutSecs()).isEqualTo(30L);
    }

    @Test
    void aNegativeRevisionCountIsRefusedNamingTheField() {
        assertThatThrownBy(() -> loader.parseWorker("""
                server_url: "http://localhost:8080"
                worker_token: "w"
                max_retained_revisions: -1
                """, "worker-config.yaml", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("max_retained_revisions: must be 0 or more, got -1");
    }

    @Test
    void aNegativeShutdownGraceIsRefusedNamingTheField() {
        assertThatThrownBy(() -> loader.parseWorker("""
                server_url: "http://localhost:8080"
                worker_token: "w"
                shutdown_grace_secs: -1
                """, "worker-config.yaml", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("shutdown_grace_secs")
                .hasMessageContaining("must be 0 or more");
    }

    @Test
    void anEnvironmentVariableOverridesTheFile() {
        WorkerConfig config = loader.parseWorker("""
                server_url: "http://localhost:8080"
                worker_token: "w"
                max_concurrent: 2
                """, "worker-config.yaml", Map.of("STROEM__MAX_CONCURRENT", "7", "STROEM__WORKER_TOKEN", "from-env"));

        assertThat(config.maxConcurrent()).isEqualTo(7);
        assertThat(config.workerToken()).isEqualTo("from-env");
    }
}
