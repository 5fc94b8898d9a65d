package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stroem dev} as a real process: the newcomer's one command. */
class DevCommandIT {

    private static final Pattern URL = Pattern.compile("UI and API: (http://localhost:(\\d+))");

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Process dev;

    @AfterEach
    void stop() throws InterruptedException {
        if (dev != null && dev.isAlive()) {
            dev.destroyForcibly().waitFor();
        }
    }

    private JsonNode get(String url) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    @Test
    void servesTheExampleWorkspaceRunsHelloWorldWithItsEmbeddedWorkerAndStopsCleanlyOnSigterm() throws Exception {
        Path log = dir.resolve("dev.log");
        String workspace = Path.of("examples/workspace").toAbsolutePath().toString();
        dev = StroemProcess.start(dir, log, Map.of(), "dev", "--port", "0", "--workspace", workspace);

        Matcher url = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> URL.matcher(Files.readString(log)), Matcher::find);
        String server = url.group(1);
        String output = Files.readString(log);
        assertThat(output).contains("./stroem trigger hello-world -i name=you --follow --server " + server);

        JsonNode workspaces = get(server + "/api/workspaces");
        assertThat(workspaces).singleElement().satisfies(ws -> {
            assertThat(ws.path("name").asText()).isEqualTo("default");
            assertThat(ws.path("tasks_count").asInt()).isEqualTo(5);
        });

        var trigger = StroemProcess.run(dir, Map.of("STROEM_SERVER", server), Duration.ofSeconds(60),
                "trigger", "hello-world", "-i", "name=you");
        assertThat(trigger.exit()).as(trigger.err()).isZero();
        String job = trigger.out().strip();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(server + "/api/jobs/" + job).path("status").asText(), "completed"::equals);
        assertThat(get(server + "/api/jobs/" + job + "/logs").path("logs").asText()).contains("HELLO, YOU!");

        var second = StroemProcess.run(dir, Map.of(), Duration.ofSeconds(60),
                "dev", "--port", url.group(2), "--workspace", workspace, "--data-dir", dir.resolve("other").toString());
        assertThat(second.exit()).isNotZero();
        assertThat(second.err()).isEqualTo("stroem dev: port " + url.group(2) + " is already in use; stop what is "
                + "using it or pick another port with --port.\n");

        StroemProcess.stop(dev, Duration.ofSeconds(30));
        assertThat(Files.readString(log)).contains("Worker stopped", "Strøm dev stopped.");
        assertThat(dir.resolve(".stroem/stroem.db")).isRegularFile();
        assertThat(dir.resolve(".stroem/logs/" + job + ".jsonl")).isRegularFile();
        assertThat(dir.resolve(".stroem/archive/default/hello-world")).isDirectory();
    }
}
