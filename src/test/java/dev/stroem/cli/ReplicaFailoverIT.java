package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.store.PostgresTestDatabase;
import dev.stroem.web.ReplicaViewer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real server processes on one PostgreSQL and a real worker process given both URLs. The
 * leader, which the worker pushes to and most viewers watch, is killed with SIGKILL mid-job:
 * nothing acknowledged is lost, the worker carries on against the survivor, every viewer resumes
 * there from the position it had and ends with exactly the job's log, and the survivor leads.
 */
class ReplicaFailoverIT {
    private static final String TOKEN = "failover-worker-token";
    private static final int LINES = 150;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    private static PostgresTestDatabase database;
    private static final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create();
    }

    @AfterAll
    static void stopAll() throws InterruptedException {
        for (var process : processes) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void theLeaderIsKilledMidJob_workerAndViewersCarryOnAgainstTheSurvivor_exactly() throws Exception {
        Path workspace = dir.resolve("workspace");
        Files.createDirectories(workspace.resolve(".workflows"));
        Files.writeString(workspace.resolve(".workflows/jobs.yaml"), """
                tasks:
                  counting:
                    flow:
                      count:
                        type: script
                        script: |
                          for i in $(seq 1 %d); do echo "counted $i"; sleep 0.04; done
                """.formatted(LINES));
        int portA = freePort();
        Process a = server("a", portA, workspace);
        awaitHealthy(portA);
        int portB = freePort();
        Process b = server("b", portB, workspace);
        awaitHealthy(portB);
        await().atMost(Duration.ofSeconds(60)).until(() -> leads(portA) ^ leads(portB));
        boolean aLeads = leads(portA);
        Process leader = aLeads ? a : b;
        int leaderPort = aLeads ? portA : portB;
        int survivorPort = aLeads ? portB : portA;

        // The worker knows both; it talks to the leader first, which then dies under it.
        Path workerConfig = Files.writeString(dir.resolve("worker-config.yaml"), """
                server_url: "http://127.0.0.1:%d,http://127.0.0.1:%d"
                worker_token: %s
                worker_name: failover-worker
                poll_interval_secs: 1
                shutdown_grace_secs: 1
                work_dir: "%s"
                """.formatted(leaderPort, survivorPort, TOKEN, dir.resolve("work")));
        processes.add(StroemProcess.start(dir, dir.resolve("worker.log"), Map.of(), "worker", "--config",
                workerConfig.toString()));

        String jobId = post(leaderPort, "/api/workspaces/default/tasks/counting/execute", "{\"input\":{}}")
                .path("job_id").asText();
        var viewers = new ArrayList<ReplicaViewer>();
        for (int i = 0; i < 3; i++) {
            viewers.add(ReplicaViewer.open(leaderPort, jobId, 0L));
        }
        viewers.add(ReplicaViewer.open(survivorPort, jobId, 0L));
        await().atMost(Duration.ofSeconds(120)).until(() -> viewers.get(0).lines().size() >= 30);

        leader.destroyForcibly(); // SIGKILL
        leader.waitFor(30, TimeUnit.SECONDS);
        assertThat(viewers.get(0).lines()).as("killed mid-job").hasSizeLessThan(LINES);

        for (var viewer : viewers.subList(0, 3)) {
            viewer.resumeOn(survivorPort); // a browser reconnecting through the load balancer, from=N
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> "completed".equals(get(survivorPort, "/api/jobs/" + jobId).path("status").asText()));
        String log = get(survivorPort, "/api/jobs/" + jobId + "/steps/count/logs").path("logs").asText();
        var counted = log.lines().map(ReplicaFailoverIT::text).toList();
        var expected = new ArrayList<String>();
        for (int i = 1; i <= LINES; i++) {
            expected.add("counted " + i);
        }
        assertThat(counted).containsExactlyElementsOf(expected);

        String whole = get(survivorPort, "/api/jobs/" + jobId + "/logs").path("logs").asText();
        for (var viewer : viewers) {
            await().atMost(Duration.ofSeconds(60)).until(viewer::ended);
            assertThat(viewer.lines()).containsExactlyElementsOf(whole.lines().toList());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> leads(survivorPort));
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static Process server(String name, int port, Path workspace) throws Exception {
        Path config = Files.writeString(dir.resolve("server-" + name + ".yaml"), """
                listen: "127.0.0.1:%d"
                db:
                  url: "%s"
                worker_token: %s
                log_storage:
                  local_dir: "%s"
                workspaces:
                  default:
                    type: folder
                    path: "%s"
                """.formatted(port, database.url(), TOKEN, dir.resolve("logs-" + name), workspace));
        var process = StroemProcess.start(dir, dir.resolve("server-" + name + ".log"), Map.of(), "server", "--config",
                config.toString());
        processes.add(process);
        return process;
    }

    private static int freePort() throws Exception {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitHealthy(int port) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> "ok".equals(get(port, "/healthz").path("status").asText()));
    }

    private static boolean leads(int port) {
        try {
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz/detail"))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).build();
            return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body()).path("leader").asBoolean();
        } catch (Exception e) {
            return false;
        }
    }

    private static JsonNode get(int port, String path) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .build();
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    private static JsonNode post(int port, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String text(String jsonl) {
        try {
            return JSON.readTree(jsonl).path("line").asText();
        } catch (Exception e) {
            throw new AssertionError(jsonl, e);
        }
    }
}
