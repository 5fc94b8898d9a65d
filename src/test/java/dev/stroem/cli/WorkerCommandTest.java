package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.config.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerCommandTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        var cli = StroemCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path config(String yaml) throws IOException {
        return Files.writeString(dir.resolve("worker-config.yaml"), yaml);
    }

    @Test
    void aMissingServerUrlIsAClearErrorAndANonZeroExit() throws IOException {
        int exit = run("worker", "--config", config("worker_token: t\n").toString());

        assertThat(exit).isNotZero();
        assertThat(err.toString()).isEqualToIgnoringNewLines("stroem worker: server_url: required");
    }

    @Test
    void aWrongTypeNamesTheField() throws IOException {
        int exit = run("worker", "--config", config("server_url: http://localhost:8080\nworker_token: t\nmax_concurrent: lots\n").toString());

        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("max_concurrent");
    }

    @Test
    void aZeroMaxConcurrentIsRefused() throws IOException {
        int exit = run("worker", "--config", config("server_url: http://localhost:8080\nworker_token: t\nmax_concurrent: 0\n").toString());

        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("max_concurrent: must be at least 1");
    }

    @Test
    void aServerUrlThatIsNotHttpIsRefused() throws IOException {
        int exit = run("worker", "--config", config("server_url: localhost:8080\nworker_token: t\n").toString());

        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("server_url: expected an http:// or https:// URL");
    }

    @Test
    void aMissingFileIsAClearError() {
        int exit = run("worker", "--config", dir.resolve("nope.yaml").toString());

        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("nope.yaml: config file not found");
    }

    @Test
    void aNegativeGraceOptionIsRefused() throws IOException {
        int exit = run("worker", "--config", config("server_url: http://localhost:8080\nworker_token: t\n").toString(),
                "--shutdown-grace-secs", "-1");

        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("--shutdown-grace-secs must be 0 or more");
    }

    @Test
    void environmentVariablesOverrideTheFile() throws IOException {
        WorkerConfig c = WorkerCommand.load(config("server_url: http://localhost:8080\nworker_token: t\n"),
                Map.of("STROEM__SERVER_URL", "http://stroem.internal:9000", "STROEM__TAGS", "gpu,linux"));

        assertThat(c.serverUrl()).isEqualTo("http://stroem.internal:9000");
        assertThat(c.tags()).containsExactly("gpu", "linux");
    }

    @Test
    void unsetFieldsGetTheirDefaults() throws IOException {
        WorkerConfig c = WorkerCommand.load(config("server_url: http://localhost:8080\nworker_token: t\n"), Map.of());

        assertThat(c.maxConcurrent()).isEqualTo(4);
        assertThat(c.pollIntervalSecs()).isEqualTo(1);
        assertThat(c.heartbeatIntervalSecs()).isEqualTo(30);
        assertThat(c.capabilities()).containsExactly("script");
        assertThat(c.tags()).isEmpty();
        assertThat(c.shutdownGraceSecs()).isEqualTo(30);
        assertThat(c.workerName()).isNotBlank();
        assertThat(Path.of(c.spoolDir()).getParent()).isEqualTo(Path.of(c.workDir()));
    }

    @Test
    void setFieldsAreKept() throws IOException {
        WorkerConfig c = WorkerCommand.load(config("""
                server_url: https://stroem.example
                worker_token: t
                worker_name: w1
                max_concurrent: 2
                poll_interval_secs: 5
                heartbeat_interval_secs: 10
                capabilities: [script, docker]
                tags: [gpu]
                work_dir: /var/lib/stroem
                spool_dir: /var/spool/stroem
                shutdown_grace_secs: 3
                """), Map.of());

        assertThat(c).isEqualTo(new WorkerConfig("https://stroem.example", "t", "w1", 2, 5L, 10L,
                List.of("script", "docker"), List.of("gpu"), "/var/lib/stroem", "/var/spool/stroem", 3L, WorkerConfig.DEFAULT_CLAIM_WAIT_SECS)
                .withMachine("w1", "/unused").withDefaults());
        assertThat(c.workspaceCacheDir()).isEqualTo("/var/lib/stroem/workspaces");
    }
}
