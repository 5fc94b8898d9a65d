package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stroem worker} as a real process from target/stroem.jar, stopped with a real SIGTERM.
 * The server side is a minimal worker API handing out one step.
 */
class WorkerCommandIT {

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<JsonNode> completions = new CopyOnWriteArrayList<>();
    private final AtomicBoolean claimed = new AtomicBoolean();
    private Javalin server;
    private Process worker;

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.destroyForcibly();
        }
        if (server != null) {
            server.stop();
        }
    }

    private void startServer(String script) {
        server = Javalin.create(config -> {
            config.routes.post("/worker/register", ctx -> ctx.result("{\"worker_id\":\"w-1\"}"));
            config.routes.post("/worker/heartbeat", ctx -> ctx.result("{}"));
            config.routes.post("/worker/jobs/claim", ctx -> ctx.result(claimed.getAndSet(true)
                    ? "{\"job_id\":null,\"step_name\":null,\"action_spec\":null}"
                    : json.writeValueAsString(Map.of("job_id", "job-1", "workspace", "default", "task_name", "t",
                            "step_name", "busy", "action_name", "a", "action_type", "script", "runner", "local",
                            "action_spec", Map.of("script", script, "env", Map.of()), "input", Map.of()))));
            config.routes.post("/worker/jobs/{job}/steps/{step}/start", ctx -> ctx.result("{}"));
            config.routes.get("/worker/jobs/{job}/cancelled", ctx -> ctx.result("{\"cancelled\":false}"));
            config.routes.post("/worker/jobs/{job}/logs", ctx -> {
                json.readTree(ctx.body()).path("lines").forEach(l -> lines.add(l.path("line").asText()));
                ctx.result("{\"accepted\":1,\"duplicate\":false}");
            });
            config.routes.post("/worker/jobs/{job}/steps/{step}/complete", ctx -> {
                completions.add(json.readTree(ctx.body()));
                ctx.result("{}");
            });
        }).start(0);
    }

    @Test
    void sigtermKillsTheRunningStepAfterTheGraceShipsItsLinesAndReportsIt() throws Exception {
        startServer("trap 'echo \"cleaning up\"; exit 1' TERM; echo ready; sleep 1000 & wait");
        Path config = Files.writeString(dir.resolve("worker-config.yaml"), String.join("\n",
                "server_url: http://127.0.0.1:" + server.port(),
                "worker_token: secret",
                "worker_name: it-worker",
                "work_dir: " + dir.resolve("work"),
                ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        worker = new ProcessBuilder(java, "-jar", System.getProperty("stroem.jar", "target/stroem.jar"),
                "worker", "--config", config.toString(), "--shutdown-grace-secs", "1")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("worker.log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(60)).until(() -> lines.contains("ready"));

        worker.destroy(); // SIGTERM

        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(dir.resolve("worker.log"));
        assertThat(lines).as(log).containsExactly("ready", "cleaning up");
        assertThat(completions).as(log).hasSize(1);
        assertThat(completions.get(0).path("error").asText()).isEqualTo("Worker shut down");
        assertThat(log).contains("Registered with", "Worker stopped");
    }
}
