package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** API tokens, path safety and the error format, with {@code auth.api_tokens} configured. */
abstract class ApiSecurityContract extends ServerContract {
    static final String TOKEN_A = "token-a";
    static final String TOKEN_B = "token-b";
    static final String SECRET = "TOP SECRET CONTENT";

    @Override
    TestServer.Config configure(TestServer.Config config) {
        return config.apiTokens(TOKEN_A, TOKEN_B);
    }

    @Test
    void everyApiCallNeedsOneOfTheApiTokens() {
        var a = api.withToken(TOKEN_A);
        var created = a.post("/api/workspaces/default/tasks/needs-token/execute", Map.of("input", Map.of("token", "t")));
        assertThat(created.status()).isEqualTo(200);
        String jobId = created.json().path("job_id").asText();
        var paths = List.of("/api/workspaces", "/api/workspaces/default/tasks", "/api/workspaces/default/tasks/hello-world",
                "/api/jobs", "/api/jobs/" + jobId, "/api/jobs/" + jobId + "/logs", "/api/jobs/" + jobId + "/steps/only/logs",
                "/api/jobs/" + jobId + "/logs/raw", "/api/jobs/00000000-0000-4000-8000-00000000dead");
        for (String path : paths) {
            assertError(api.get(path), 401, "token");
            assertError(api.withToken("token-c").get(path), 401, "token");
            assertError(api.withToken(TestServer.WORKER_TOKEN).get(path), 401, "token");
            assertThat(api.withToken(TOKEN_B).get(path).status()).as(path).isIn(200, 404);
        }
        assertError(api.post("/api/workspaces/default/tasks/needs-token/execute", Map.of("input", Map.of("token", "t"))),
                401, "token");
        assertError(api.post("/api/jobs/" + jobId + "/cancel", ""), 401, "token");
        assertThat(a.get("/api/jobs").json().path("total").asLong()).isEqualTo(1);
        assertThat(a.get("/api/jobs/" + jobId).json().path("status").asText()).isEqualTo("pending");
        // The worker API takes the worker token only.
        assertError(new HttpTestClient(server.url(), TOKEN_A).post("/worker/register", Map.of("name", "w")), 401, "token");
        assertThat(api.get("/healthz").status()).isEqualTo(200);
    }

    @Test
    void namesThatTryToLeaveTheLogDirectoryNeverReadOrWriteOutsideIt() throws IOException {
        var a = api.withToken(TOKEN_A);
        Files.writeString(dir.resolve("secret.jsonl"), "{\"ts\":\"2025-01-01T00:00:00.000Z\",\"stream\":\"stdout\",\"step\":\"s\",\"line\":\"" + SECRET + "\"}\n");
        Files.writeString(dir.resolve("secret.log"), SECRET + "\n");
        String jobId = a.post("/api/workspaces/default/tasks/needs-token/execute", Map.of("input", Map.of("token", "t")))
                .json().path("job_id").asText();
        Set<Path> before = filesOutsideTheLogDirectory();
        var evilIds = List.of("..%2Fsecret", "..%2F..%2F..%2Fetc%2Fpasswd", "%2E%2E%2Fsecret", "..%5Csecret",
                "%2Fetc%2Fpasswd", "..", "%2E%2E", "secret%00");
        for (String id : evilIds) {
            for (String path : List.of("/api/jobs/" + id, "/api/jobs/" + id + "/logs", "/api/jobs/" + id + "/logs?full=true",
                    "/api/jobs/" + id + "/logs/raw", "/api/jobs/" + id + "/steps/only/logs")) {
                assertRefused(a.get(path), path);
            }
            if (id.contains("%00")) {
                continue; // Jetty refuses a NUL in the URI before reading a body: a POST then sees a broken pipe
            }
            assertRefused(a.post("/api/jobs/" + id + "/cancel", ""), id);
            assertRefused(worker.http().post("/worker/jobs/" + id + "/logs",
                    Map.of("step_name", "only", "lines", WorkerCalls.lines("planted"))), id);
            assertRefused(worker.http().post("/worker/jobs/" + id + "/steps/only/complete", Map.of("exit_code", 0)), id);
        }
        for (String step : List.of("..%2F..%2Fsecret", "..", "%2E%2E%2Fsecret", "_server%2F..%2F..%2Fsecret")) {
            String path = "/api/jobs/" + jobId + "/steps/" + step + "/logs";
            assertRefused(a.get(path), path);
            assertRefused(a.get("/api/jobs/" + jobId + "/logs/raw?step=" + step), step);
        }
        for (String step : List.of("../../secret", "..", "/etc/passwd", "only/../../secret")) {
            assertRefused(worker.logs(jobId, step, null, WorkerCalls.lines("planted")), step);
        }

        assertThat(filesOutsideTheLogDirectory()).isEqualTo(before);
        assertThat(Files.readString(dir.resolve("secret.jsonl"))).doesNotContain("planted");
        assertThat(a.get("/api/jobs/" + jobId + "/logs").json().path("logs").asText()).isEmpty();
    }

    private static void assertRefused(HttpTestClient.Answer answer, String what) {
        assertThat(answer.status()).as("%s: %s", what, answer).isIn(400, 404);
        assertThat(answer.body()).as(what).doesNotContain(SECRET).doesNotContain("root:");
    }

    private Set<Path> filesOutsideTheLogDirectory() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !f.startsWith(server.logDir()) && !f.startsWith(dir.resolve("db")))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyErrorIsAJsonSentenceWithItsStatus() {
        var a = api.withToken(TOKEN_A);
        assertError(a.get("/api/no-such-endpoint"), 404, "no-such-endpoint");
        assertError(a.get("/no-such-page.txt"), 404);
        assertError(a.send(a.request("/api/jobs").DELETE().build()), 404, "DELETE");
        assertError(a.post("/api/workspaces/default/tasks/needs-token/execute", "not json"), 400, "JSON");
        assertError(a.post("/api/workspaces/default/tasks/needs-token/execute", "{\"input\":{},\"extra\":1}"), 400, "extra");
        assertThat(a.get("/api/jobs").json().path("total").asLong()).isZero();
    }
}
