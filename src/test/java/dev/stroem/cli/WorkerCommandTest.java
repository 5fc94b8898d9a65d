package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.config.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        assertThat(err.toString()).contains("field 'server_url' is required");
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
        assertThat(err.toString()).contains("field 'max_concurrent' must be at least 1");
    }

    @Test
    void aServerUrlThatIsNotHttpIsRefused() throws IOException {
        int exit = run("worker", "--config", config("server_url: localhost:8080\nworker_token: t\n").toString());

        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("field 'server_url' must be an http:// or https:// URL");
    }

    @Test
    void aMissingFileIsAClearError() {
        int exit = run("worker", "--config", dir.resolve("nope.yaml").toString());

        assertThat(exit).isNotZero();
        assertThat(err.toString()).contains("does not exist");
    }

    @Test
    void unsetFieldsGetTheirDefaults() throws Exception {
        WorkerConfig c = WorkerCommand.withDefaults(
                new WorkerConfig("http://localhost:8080", "t", null, null, null, null, null, null, null, null));

        assertThat(c.maxConcurrent()).isEqualTo(4);
        assertThat(c.pollIntervalSecs()).isEqualTo(1);
        assertThat(c.heartbeatIntervalSecs()).isEqualTo(30);
        assertThat(c.capabilities()).containsExactly("script");
        assertThat(c.tags()).isEmpty();
        assertThat(c.workerName()).isNotBlank();
        assertThat(Path.of(c.spoolDir()).getParent()).isEqualTo(Path.of(c.workDir()));
    }

    @Test
    void setFieldsAreKept() throws Exception {
        WorkerConfig c = WorkerCommand.withDefaults(new WorkerConfig("https://stroem.example", "t", "w1", 2, 5L, 10L,
                List.of("script", "docker"), List.of("gpu"), "/var/lib/stroem", "/var/spool/stroem"));

        assertThat(c).isEqualTo(new WorkerConfig("https://stroem.example", "t", "w1", 2, 5L, 10L,
                List.of("script", "docker"), List.of("gpu"), "/var/lib/stroem", "/var/spool/stroem"));
    }
}
