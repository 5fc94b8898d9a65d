package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The original's worker, request by request, as its client sends them (reference/worker-api.md):
 * bodies with exactly its fields, and every answer checked field by field, so that a worker
 * built for the original runs against this server unchanged.
 */
abstract class OriginalWorkerProtocolContract extends ServerContract {

    private static List<String> fieldNames(JsonNode node) {
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void registerHeartbeatClaimStartLogsCompleteAndCancelledAnswerAsTheOriginalsWorkerReadsThem() {
        var http = worker.http();

        var registered = http.post("/worker/register", Map.of("name", "worker-1", "capabilities", List.of("script"),
                "tags", List.of(), "version", "0.9.0"));
        assertThat(registered.status()).isEqualTo(200);
        assertThat(fieldNames(registered.json())).containsExactly("worker_id");
        String workerId = registered.json().path("worker_id").asText();
        assertThat(workerId).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

        var heartbeat = http.post("/worker/heartbeat", Map.of("worker_id", workerId));
        assertThat(heartbeat.status()).isEqualTo(200);

        // The original's claim: worker id and tags (capabilities as registered).
        var none = http.post("/worker/jobs/claim", Map.of("worker_id", workerId, "tags", List.of()));
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().path("job_id").isNull()).isTrue();
        assertThat(none.json().path("step_name").isNull()).isTrue();
        assertThat(none.json().path("action_spec").isNull()).isTrue();

        String jobId = execute("hello-world", Map.of("name", "Ada"));
        var claimed = http.post("/worker/jobs/claim", Map.of("worker_id", workerId, "tags", List.of()));
        assertThat(claimed.status()).isEqualTo(200);
        JsonNode step = claimed.json();
        assertThat(step.path("job_id").asText()).isEqualTo(jobId);
        assertThat(step.path("workspace").asText()).isEqualTo("default");
        assertThat(step.path("task_name").asText()).isEqualTo("hello-world");
        assertThat(step.path("step_name").asText()).isEqualTo("say-hello");
        assertThat(step.path("action_name").asText()).isEqualTo("greet");
        assertThat(step.path("action_type").asText()).isEqualTo("script");
        // The original's worker reads a missing action_image as none, like null.
        assertThat(step.path("action_image").isNull() || step.path("action_image").isMissingNode()).isTrue();
        assertThat(step.path("runner").asText()).isEqualTo("local");
        assertThat(step.path("action_spec").path("script").asText()).contains("echo \"Hello Ada\"");
        assertThat(step.path("action_spec").path("env").path("WHO").asText()).isEqualTo("Ada");
        assertThat(step.path("input").path("name").asText()).isEqualTo("Ada");
        assertThat(step.path("timeout_secs").isNull() || step.path("timeout_secs").isIntegralNumber()).isTrue();

        var started = http.post("/worker/jobs/" + jobId + "/steps/say-hello/start", Map.of("worker_id", workerId));
        assertThat(started.status()).isEqualTo(200);
        assertThat(stepStatus(jobId, "say-hello")).isEqualTo("running");

        // The original's log push: no batch id, and "ts": "" for a line it has no time for.
        var logs = http.post("/worker/jobs/" + jobId + "/logs", Map.of("step_name", "say-hello", "lines", List.of(
                Map.of("ts", "2025-02-12T10:56:45.123Z", "stream", "stdout", "line", "Hello Ada"),
                Map.of("ts", "", "stream", "stderr", "line", "a warning"))));
        assertThat(logs.status()).isEqualTo(200);
        String stored = logs("/api/jobs/" + jobId + "/steps/say-hello/logs");
        assertThat(stored).contains("{\"ts\":\"2025-02-12T10:56:45.123Z\",\"stream\":\"stdout\",\"step\":\"say-hello\","
                + "\"line\":\"Hello Ada\"}").contains("\"stream\":\"stderr\",\"step\":\"say-hello\",\"line\":\"a warning\"");

        var cancelled = http.get("/worker/jobs/" + jobId + "/cancelled");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(fieldNames(cancelled.json())).containsExactly("cancelled");
        assertThat(cancelled.json().path("cancelled").asBoolean()).isFalse();

        var completed = http.post("/worker/jobs/" + jobId + "/steps/say-hello/complete",
                Map.of("exit_code", 0, "output", Map.of("greeting", "Hello Ada")));
        assertThat(completed.status()).isEqualTo(200);
        assertThat(stepStatus(jobId, "say-hello")).isEqualTo("completed");
        assertThat(step(job(jobId), "say-hello").path("output").path("greeting").asText()).isEqualTo("Hello Ada");

        // The original's failure report: its "Exit code: N" error with the stderr tail.
        var next = http.post("/worker/jobs/claim", Map.of("worker_id", workerId, "tags", List.of()));
        assertThat(next.json().path("step_name").asText()).isEqualTo("shout-it");
        http.post("/worker/jobs/" + jobId + "/steps/shout-it/start", Map.of("worker_id", workerId));
        var failure = new LinkedHashMap<String, Object>();
        failure.put("exit_code", 1);
        failure.put("output", null);
        failure.put("error", "Exit code: 1\nStderr: boom");
        var failed = http.post("/worker/jobs/" + jobId + "/steps/shout-it/complete", failure);
        assertThat(failed.status()).isEqualTo(200);
        var job = awaitJobStatus(jobId, "failed");
        assertThat(step(job, "shout-it").path("error_message").asText()).isEqualTo("Exit code: 1\nStderr: boom");
        assertThat(step(job, "shout-it").path("exit_code").asInt()).isEqualTo(1);
    }

    @Test
    void theWorkspaceDownloadAnswers200Then304AndAnExclusiveWorkerRegistersAndClaimsOnlyItsSteps() throws Exception {
        var http = worker.http();

        // The original worker downloads the workspace before its first step, then asks again with the ETag.
        var first = HttpClient.newHttpClient().send(http.request("/worker/workspace/default.tar.gz").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("application/gzip");
        String revision = first.headers().firstValue("X-Revision").orElseThrow();
        assertThat(first.headers().firstValue("ETag")).hasValue("\"" + revision + "\"");
        assertThat(first.body()).startsWith((byte) 0x1f, (byte) 0x8b);
        var again = HttpClient.newHttpClient().send(http.request("/worker/workspace/default.tar.gz")
                .header("If-None-Match", "\"" + revision + "\"").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        // Register and claim with the original's exclusive flag: a reserved worker takes no untagged step.
        var registered = http.post("/worker/register", Map.of("name", "reserved", "capabilities", List.of("script"),
                "tags", List.of("reserved"), "version", "0.9.0", "exclusive", true));
        assertThat(registered.status()).isEqualTo(200);
        assertThat(fieldNames(registered.json())).containsExactly("worker_id");
        String reserved = registered.json().path("worker_id").asText();
        String jobId = execute("hello-world", Map.of("name", "Ada"));
        var none = http.post("/worker/jobs/claim", Map.of("worker_id", reserved, "tags", List.of("reserved"),
                "exclusive", true));
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().path("job_id").isNull()).isTrue();
        assertThat(none.json().path("step_name").isNull()).isTrue();
        assertThat(none.json().path("action_spec").isNull()).isTrue();
        assertThat(stepStatus(jobId, "say-hello")).isEqualTo("ready");
    }
}
