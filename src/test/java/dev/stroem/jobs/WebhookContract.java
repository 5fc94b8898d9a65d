package dev.stroem.jobs;

import static dev.stroem.jobs.ConditionsContract.steps;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Webhook triggers end to end on a real server and worker: {@code GET|POST /hooks/{name}} in async
 * and sync mode, the secret by query or bearer token, the input built from the call, the status
 * endpoint, the task views naming their triggers, and every refusal creating nothing. Run against
 * each supported database.
 */
abstract class WebhookContract extends ServerWithWorkerContract {

    static final String WORKFLOW = """
            tasks:
              ci:
                input:
                  environment: { type: string, default: none }
                flow:
                  build:
                    type: script
                    input:
                      method: "{{ input.method }}"
                      ref: "{{ input.body.ref | default(value='') }}"
                      env: "{{ input.environment }}"
                      branch: "{{ input.query.branch }}"
                    script: |
                      echo "{{ input.method }} ref={{ input.ref }} env={{ input.env }} q={{ input.branch }}"
                      echo 'OUTPUT: {"built": "{{ input.ref }}"}'
              gated:
                flow:
                  wait:
                    type: script
                    input:
                      gate: "{{ input.body.gate }}"
                    script: |
                      while [ ! -e "{{ input.gate }}" ]; do sleep 0.05; done
                      echo 'OUTPUT: {"opened": true}'
              echo-body:
                flow:
                  echo:
                    type: script
                    input:
                      text: "{{ input.body }}"
                    script: echo "body={{ input.text }}"
              strict:
                input:
                  count: { type: integer, required: true }
                flow:
                  run:
                    type: script
                    script: echo never
              breaks:
                flow:
                  fail:
                    type: script
                    script: |
                      echo "cannot deploy" >&2
                      exit 2
              untriggered:
                flow:
                  run:
                    type: script
                    script: echo never
            triggers:
              on-push:
                type: webhook
                name: github-push
                task: ci
                secret: whsec_abc123
                input:
                  environment: staging
                  method: overridden-never
              deploy-sync:
                type: webhook
                name: deploy
                task: ci
                mode: sync
                timeout_secs: 60
              slow-sync:
                type: webhook
                name: slow
                task: gated
                mode: sync
                timeout_secs: 1
              public-echo:
                type: webhook
                name: echo
                task: echo-body
              bad-input:
                type: webhook
                name: bad-input
                task: strict
                input:
                  count: not-a-number
              breaks-sync:
                type: webhook
                name: breaks
                task: breaks
                mode: sync
                timeout_secs: 60
              switched-off:
                type: webhook
                name: off
                task: ci
                enabled: false
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * A workspace configured after {@code default} (and named to sort before it) that defines a
     * webhook of the same name as one of {@code default}'s, and one of its own.
     */
    static final String OTHER_WORKSPACE = """
            tasks:
              shadowed:
                flow:
                  run:
                    type: script
                    script: echo "the second workspace ran"
            triggers:
              same-name:
                type: webhook
                name: deploy
                task: shadowed
              own:
                type: webhook
                name: only-in-aaa
                task: shadowed
            """;

    @Override
    void configure(ServerFixture fixture) {
        fixture.withWorkspace("aaa", "hooks.yaml", OTHER_WORKSPACE);
    }

    @Override
    String workflowFile() {
        return "webhooks.yaml";
    }

    @Override
    String workflow() {
        return WORKFLOW;
    }

    @Test
    void anAsyncPostCreatesAJobFromTheCallAndItsStatusCanBeFollowed() {
        var answer = call("POST", "/hooks/github-push?secret=whsec_abc123&branch=main", "application/json",
                "{\"ref\": \"refs/heads/main\", \"commits\": []}", Map.of("X-GitHub-Event", "push"));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode body = json(answer);
        assertThat(body.size()).isEqualTo(3);
        assertThat(body.path("trigger").asText()).isEqualTo("github-push");
        assertThat(body.path("task").asText()).isEqualTo("ci");
        String jobId = body.path("job_id").asText();

        var job = server.awaitStatus(jobId, "completed");
        assertThat(job.path("source_type").asText()).isEqualTo("webhook");
        assertThat(job.path("source_id").asText()).isEqualTo("default/on-push");
        JsonNode input = job.path("input");
        assertThat(input.path("body").toString()).isEqualTo("{\"ref\":\"refs/heads/main\",\"commits\":[]}");
        assertThat(input.path("method").asText()).isEqualTo("POST");
        assertThat(input.path("query").toString()).isEqualTo("{\"branch\":\"main\"}");
        assertThat(input.path("headers").path("x-github-event").asText()).isEqualTo("push");
        assertThat(input.path("headers").path("content-type").asText()).startsWith("application/json");
        assertThat(input.path("headers").has("authorization")).isFalse();
        assertThat(input.path("environment").asText()).isEqualTo("staging");
        assertThat(server.logLines(jobId, "build")).extracting(l -> l.path("line").asText())
                .contains("POST ref=refs/heads/main env=staging q=main");

        // The status endpoint, secret as a bearer token this time.
        var status = call("GET", "/hooks/github-push/jobs/" + jobId, null, null,
                Map.of("Authorization", "Bearer whsec_abc123"));
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        JsonNode shown = json(status);
        assertThat(fieldNames(shown)).containsExactly("job_id", "trigger", "task", "status", "output", "created_at",
                "completed_at");
        assertThat(shown.path("status").asText()).isEqualTo("completed");
        assertThat(shown.path("output").toString()).isEqualTo("{\"built\":\"refs/heads/main\"}");
        assertThat(shown.path("completed_at").isNull()).isFalse();
    }

    @Test
    void aSyncCallAnswersTheEndedJobWithItsOutput() {
        var answer = call("GET", "/hooks/deploy?branch=dev", null, null, Map.of());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode body = json(answer);
        assertThat(fieldNames(body)).containsExactly("job_id", "trigger", "task", "status", "output");
        assertThat(body.path("status").asText()).isEqualTo("completed");
        assertThat(body.path("output").toString()).isEqualTo("{\"built\":\"\"}");
        var job = server.job(body.path("job_id").asText());
        assertThat(job.path("input").path("method").asText()).isEqualTo("GET");
        assertThat(job.path("input").path("body").isMissingNode() || job.path("input").path("body").isNull()).isTrue();
        assertThat(server.logLines(body.path("job_id").asText(), "build")).extracting(l -> l.path("line").asText())
                .contains("GET ref= env=none q=dev");
    }

    @Test
    void aSyncCallThatOutlivesItsTimeoutAnswers202AndTheJobCanBeAwaited() throws IOException {
        var gate = dir.resolve("gate-open");
        var answer = call("POST", "/hooks/slow", "application/json", "{\"gate\": \"" + gate + "\"}", Map.of());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonNode body = json(answer);
        assertThat(body.path("status").asText()).isIn("pending", "running");
        assertThat(body.has("output")).isFalse();
        String jobId = body.path("job_id").asText();

        Files.writeString(gate, "open");
        var waited = call("GET", "/hooks/slow/jobs/" + jobId + "?wait=true&timeout=60", null, null, Map.of());
        assertThat(waited.statusCode()).as(waited.body()).isEqualTo(200);
        assertThat(json(waited).path("status").asText()).isEqualTo("completed");
        assertThat(json(waited).path("output").toString()).isEqualTo("{\"opened\":true}");
    }

    @Test
    void aSyncCallOfAJobThatFailsAnswersItsFailureWithoutOutput() {
        var answer = call("POST", "/hooks/breaks", null, null, Map.of());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode body = json(answer);
        assertThat(fieldNames(body)).containsExactly("job_id", "trigger", "task", "status", "output");
        assertThat(body.path("status").asText()).isEqualTo("failed");
        assertThat(body.path("output").isNull()).isTrue();
        String jobId = body.path("job_id").asText();
        assertThat(server.job(jobId).path("error_message").asText()).contains("cannot deploy");

        // The status endpoint's wait parameters are checked: a clear 400 for a timeout out of range.
        var status = call("GET", "/hooks/breaks/jobs/" + jobId, null, null, Map.of());
        assertThat(json(status).path("status").asText()).isEqualTo("failed");
        assertThat(json(status).path("output").isNull()).isTrue();
        assertError(call("GET", "/hooks/breaks/jobs/" + jobId + "?wait=true&timeout=301", null, null, Map.of()), 400,
                "timeout must be a number of seconds from 1 to 300");
        assertError(call("GET", "/hooks/breaks/jobs/" + jobId + "?wait=true&timeout=soon", null, null, Map.of()), 400,
                "got \"soon\"");
    }

    @Test
    void aWebhookNameInTwoWorkspacesIsAnsweredByTheFirstConfiguredOne() {
        var answer = call("GET", "/hooks/deploy", null, null, Map.of());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json(answer).path("task").asText()).isEqualTo("ci");
        assertThat(server.job(json(answer).path("job_id").asText()).path("workspace").asText()).isEqualTo("default");

        var own = call("POST", "/hooks/only-in-aaa", null, null, Map.of());
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        String jobId = json(own).path("job_id").asText();
        var job = server.awaitStatus(jobId, "completed");
        assertThat(job.path("workspace").asText()).isEqualTo("aaa");
        assertThat(job.path("source_id").asText()).isEqualTo("aaa/own");
    }

    @Test
    void aNonJsonBodyIsPassedOnAsText() {
        var answer = call("POST", "/hooks/echo", "text/plain", "plain words", Map.of());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        String jobId = json(answer).path("job_id").asText();
        var job = server.awaitStatus(jobId, "completed");
        assertThat(job.path("input").path("body").asText()).isEqualTo("plain words");
        assertThat(server.logLines(jobId, "echo")).extracting(l -> l.path("line").asText()).contains("body=plain words");
    }

    @Test
    void refusedCallsAnswerAClearErrorAndCreateNothing() {
        // The database may be shared by the contract's tests: count from here.
        int before = server.get("/api/jobs").path("total").asInt();
        assertError(call("POST", "/hooks/nope", null, null, Map.of()), 404, "no webhook named \"nope\"");
        assertError(call("POST", "/hooks/off", null, null, Map.of()), 404, "no webhook named \"off\"");
        assertError(call("POST", "/hooks/github-push", null, null, Map.of()), 401, "needs its secret");
        assertError(call("POST", "/hooks/github-push?secret=wrong", null, null, Map.of()), 401, "wrong secret");
        assertError(call("POST", "/hooks/github-push", null, null, Map.of("Authorization", "Bearer wrong")), 401,
                "wrong secret");
        assertError(call("POST", "/hooks/echo", "application/json", "{\"ref\": ", Map.of()), 400, "not valid JSON");
        // Several times: the caller is still sending when we refuse, and must get the 413 every time.
        for (int i = 0; i < 5; i++) {
            assertError(call("POST", "/hooks/echo", "text/plain", "x".repeat(1024 * 1024 + 1), Map.of()), 413,
                    "larger than the limit");
        }
        assertError(call("POST", "/hooks/bad-input", null, null, Map.of()), 400, "input.count");

        String apiJob = server.execute("untriggered", Map.of());
        server.awaitStatus(apiJob, "completed");
        assertError(call("GET", "/hooks/echo/jobs/not-a-uuid", null, null, Map.of()), 400, "not a UUID");
        // A job the webhook did not create is not shown, whoever created it.
        assertError(call("GET", "/hooks/echo/jobs/" + apiJob, null, null, Map.of()), 404, "created no job");
        assertError(call("GET", "/hooks/github-push/jobs/" + apiJob, null, null, Map.of()), 401, "needs its secret");
        assertError(call("GET", "/hooks/echo/jobs/" + apiJob + "?wait=true&timeout=0", null, null, Map.of()), 404,
                "created no job");

        assertThat(server.get("/api/jobs").path("total").asInt()).as("only the API's job").isEqualTo(before + 1);
    }

    @Test
    void tasksSayWhichTriggersTargetThem() {
        var tasks = new java.util.HashMap<String, Boolean>();
        server.get("/api/workspaces/default/tasks").forEach(t -> tasks.put(t.path("name").asText(),
                t.path("has_triggers").asBoolean()));
        assertThat(tasks).containsEntry("ci", true).containsEntry("gated", true).containsEntry("echo-body", true).containsEntry("strict", true)
                .containsEntry("untriggered", false);

        var triggers = server.get("/api/workspaces/default/tasks/ci").path("triggers");
        assertThat(triggers).extracting(t -> t.path("name").asText())
                .containsExactly("on-push", "deploy-sync", "switched-off");
        assertThat(triggers.get(0).path("type").asText()).isEqualTo("webhook");
        assertThat(triggers.get(0).path("has_secret").asBoolean()).isTrue();
        assertThat(triggers.get(0).toString()).doesNotContain("whsec_abc123");
        assertThat(server.get("/api/workspaces/default/tasks/untriggered").path("triggers")).isEmpty();
    }

    private void assertError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as("%s %s: %s", response.request().method(), response.uri(), response.body())
                .isEqualTo(status);
        assertThat(json(response).path("error").asText()).contains(message);
    }

    private HttpResponse<String> call(String method, String path, String contentType, String body,
            Map<String, String> headers) {
        try {
            var builder = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(60));
            headers.forEach(builder::header);
            if (contentType != null) {
                builder.header("Content-Type", contentType);
            }
            builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode json(HttpResponse<String> response) {
        try {
            return server.json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
