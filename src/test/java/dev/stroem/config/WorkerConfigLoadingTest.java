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
                "/var/stroem/spool", 0L, WorkerConfig.DEFAULT_CLAIM_WAIT_SECS));
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
