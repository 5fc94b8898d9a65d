package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker API as a test drives it by hand (register, claim, start, logs, complete), so that
 * tests decide exactly when each step happens. Methods that must succeed assert a 200.
 */
public final class WorkerCalls {
    private final HttpTestClient http;

    WorkerCalls(HttpTestClient http) {
        this.http = http;
    }

    public HttpTestClient http() {
        return http;
    }

    public String register(String name) {
        var answer = ok(http.post("/worker/register", Map.of("name", name, "capabilities", List.of("script"))));
        return answer.json().path("worker_id").asText();
    }

    /** The claim answer; {@code job_id} is null when there was no work. */
    public JsonNode claim(String workerId) {
        return ok(http.post("/worker/jobs/claim", Map.of("worker_id", workerId, "capabilities", List.of("script")))).json();
    }

    public void start(String jobId, String step, String workerId) {
        ok(http.post("/worker/jobs/" + jobId + "/steps/" + pathPart(step) + "/start", Map.of("worker_id", workerId)));
    }

    public HttpTestClient.Answer logs(String jobId, String step, String batchId, List<Map<String, Object>> lines) {
        var body = new LinkedHashMap<String, Object>();
        body.put("step_name", step);
        if (batchId != null) {
            body.put("batch_id", batchId);
        }
        body.put("lines", lines);
        return http.post("/worker/jobs/" + jobId + "/logs", body);
    }

    /** Pushes stdout lines in one batch and expects them accepted. */
    public void stdout(String jobId, String step, String... lines) {
        var answer = ok(logs(jobId, step, null, lines(lines)));
        assertThat(answer.json().path("accepted").asInt()).isEqualTo(lines.length);
    }

    public HttpTestClient.Answer complete(String jobId, String step, int exitCode, String error) {
        var body = new LinkedHashMap<String, Object>();
        body.put("exit_code", exitCode);
        body.put("error", error);
        return http.post("/worker/jobs/" + jobId + "/steps/" + pathPart(step) + "/complete", body);
    }

    /** Claims the next step, which must be {@code step} of {@code jobId}, starts it and returns the claim. */
    public JsonNode claimAndStart(String workerId, String jobId, String step) {
        var claim = claim(workerId);
        assertThat(claim.path("job_id").asText(null)).as("claimed job of %s", claim).isEqualTo(jobId);
        assertThat(claim.path("step_name").asText(null)).as("claimed step of %s", claim).isEqualTo(step);
        start(jobId, step, workerId);
        return claim;
    }

    /** Claims, starts and completes {@code step} successfully after pushing {@code lines} as stdout. */
    public JsonNode run(String workerId, String jobId, String step, String... lines) {
        var claim = claimAndStart(workerId, jobId, step);
        if (lines.length > 0) {
            stdout(jobId, step, lines);
        }
        ok(complete(jobId, step, 0, null));
        return claim;
    }

    static List<Map<String, Object>> lines(String... texts) {
        var out = new ArrayList<Map<String, Object>>();
        for (String t : texts) {
            out.add(Map.of("ts", "2025-02-12T10:56:45.123Z", "stream", "stdout", "line", t));
        }
        return out;
    }

    static HttpTestClient.Answer ok(HttpTestClient.Answer answer) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer;
    }

    /** A step name in a URL path: a loop instance's brackets are not allowed there as they are. */
    static String pathPart(String step) {
        return java.net.URLEncoder.encode(step, java.nio.charset.StandardCharsets.UTF_8);
    }
}
