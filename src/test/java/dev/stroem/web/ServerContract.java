package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the API contract tests: a fresh real server per test on the database the subclass
 * chooses ({@code …SqliteIT} or {@code …PostgresIT}), with clients of both APIs.
 */
abstract class ServerContract {
    @TempDir
    Path dir;

    TestServer server;
    HttpTestClient api;
    WorkerCalls worker;
    private TestDatabase database;

    /** The database of one test; closed after it. */
    abstract TestDatabase database(Path dir);

    /** Further config of the server (auth, archive…); none by default. */
    TestServer.Config configure(TestServer.Config config) {
        return config;
    }

    @BeforeEach
    void startServer() {
        database = database(dir);
        server = configure(TestServer.in(dir, database.url())).start();
        api = server.api();
        worker = server.worker();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50));
    }

    String execute(String task, Map<String, Object> input) {
        var answer = api.post("/api/workspaces/default/tasks/" + task + "/execute", Map.of("input", input));
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer.json().path("job_id").asText();
    }

    JsonNode job(String jobId) {
        var answer = api.get("/api/jobs/" + jobId);
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer.json();
    }

    static JsonNode step(JsonNode job, String name) {
        for (JsonNode s : job.path("steps")) {
            if (name.equals(s.path("step_name").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + job);
    }

    String stepStatus(String jobId, String step) {
        return step(job(jobId), step).path("status").asText();
    }

    /** Waits for the job to reach a terminal status (finalisation runs in the background) and returns it. */
    JsonNode awaitJobStatus(String jobId, String status) {
        eventually().until(() -> status.equals(job(jobId).path("status").asText()));
        return job(jobId);
    }

    /** The body of {@code GET /api/jobs/{id}/logs…}, asserting a 200. */
    String logs(String path) {
        var answer = api.get(path);
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer.json().path("logs").asText();
    }

    /** An error answer: the status and a {@code {"error":"<sentence>"}} body and nothing else. */
    static void assertError(HttpTestClient.Answer answer, int status, String... mentions) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(status);
        assertThat(answer.header("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = answer.json();
        assertThat(body.size()).as("%s", answer).isEqualTo(1);
        assertThat(body.path("error").isTextual()).as("%s", answer).isTrue();
        assertThat(body.path("error").asText()).isNotBlank();
        for (String mention : mentions) {
            assertThat(body.path("error").asText()).contains(mention);
        }
    }
}
