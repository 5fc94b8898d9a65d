package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The worker API of docs/worker-api.md over HTTP: token, lifecycle calls, claims under contention, log ingest. */
abstract class WorkerApiContract extends ServerContract {

    @Test
    void everyWorkerCallNeedsTheWorkerTokenAndAFailedCallChangesNothing() {
        String jobId = execute("needs-token", Map.of("token", "t"));
        var calls = List.of(
                HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"w\"}")).uri(uri("/worker/register")),
                HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("{\"worker_id\":\"x\"}")).uri(uri("/worker/heartbeat")),
                HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("{\"worker_id\":\"x\"}")).uri(uri("/worker/jobs/claim")),
                HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("{\"worker_id\":\"x\"}"))
                        .uri(uri("/worker/jobs/" + jobId + "/steps/only/start")),
                HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("{\"exit_code\":0}"))
                        .uri(uri("/worker/jobs/" + jobId + "/steps/only/complete")),
                HttpRequest.newBuilder().GET().uri(uri("/worker/jobs/" + jobId + "/cancelled")),
                HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString(
                        "{\"step_name\":\"only\",\"lines\":[{\"stream\":\"stdout\",\"line\":\"x\"}]}"))
                        .uri(uri("/worker/jobs/" + jobId + "/logs")));
        var anonymous = new HttpTestClient(server.url(), null);
        for (var call : calls) {
            assertError(anonymous.send(call.copy().build()), 401, "token");
            assertError(anonymous.send(call.copy().header("Authorization", "Bearer wrong").build()), 401, "token");
            assertError(anonymous.send(call.copy().header("Authorization", "Basic " + TestServer.WORKER_TOKEN).build()),
                    401, "token");
        }
        assertThat(stepStatus(jobId, "only")).isEqualTo("ready");
        assertThat(logs("/api/jobs/" + jobId + "/logs")).isEmpty();
        assertThat(worker.claim(worker.register("w")).path("step_name").asText()).isEqualTo("only");
    }

    @Test
    void defect2_aBatchForAStepNameTheLogStoreRefuses_is422NotA500_soTheWorkerStopsRetrying() {
        // A job created before the workspace rule refused such names: its step is still "c:build".
        String oldJob = "0000000a-0000-4000-8000-000000000001";
        var jobs = server.jobs();
        var now = java.time.Instant.now();
        jobs.createJob(new dev.stroem.jobs.Job(oldJob, "default", "t", dev.stroem.jobs.JobStatus.PENDING, Map.of(),
                dev.stroem.jobs.Job.SOURCE_API, null, null, null, null, null, now, null, null),
                List.of(new dev.stroem.jobs.NewStep("c:build", "a", "script", List.of(), false, null, List.of())));

        var answer = worker.http().post("/worker/jobs/" + oldJob + "/logs", Map.of("step_name", "c:build",
                "lines", List.of(Map.of("stream", "stdout", "line", "x"))));

        assertError(answer, 422, "absolute path");
        assertThat(logs("/api/jobs/" + oldJob + "/logs")).isEmpty();
    }

    private java.net.URI uri(String path) {
        return java.net.URI.create(server.url() + path);
    }

    @Test
    void registerHeartbeatAndClaimValidateTheirInput() {
        var http = worker.http();
        assertError(http.post("/worker/register", Map.of("capabilities", List.of("script"))), 400, "name");
        assertError(http.post("/worker/register", "{\"name\":"), 400, "JSON");
        assertError(http.post("/worker/register", ""), 400);
        assertError(http.post("/worker/register", Map.of("name", "w", "tags", "not-a-list")), 400, "tags");
        assertError(http.post("/worker/register", Map.of("name", "w", "exclusive", "yes")), 400, "exclusive");
        // The original worker's `exclusive` is accepted on register and claim (routing: RecoveryIT).
        String reserved = http.post("/worker/register", Map.of("name", "reserved", "tags", List.of("gpu"),
                "exclusive", true)).json().path("worker_id").asText();
        assertThat(http.post("/worker/jobs/claim", Map.of("worker_id", reserved, "exclusive", true)).status())
                .isEqualTo(200);
        assertError(http.post("/worker/heartbeat", Map.of("worker_id", "ghost")), 404, "ghost");
        assertError(http.post("/worker/heartbeat", Map.of()), 400, "worker_id");
        assertError(http.post("/worker/jobs/claim", Map.of("worker_id", "ghost")), 404, "ghost");
        assertError(http.post("/worker/jobs/claim", Map.of()), 400, "worker_id");

        String id = worker.register("w1");
        assertThat(http.post("/worker/heartbeat", Map.of("worker_id", id)).status()).isEqualTo(200);
        // A worker only gets steps whose action type it can run.
        String jobId = execute("needs-token", Map.of("token", "t"));
        var dockerOnly = http.post("/worker/jobs/claim", Map.of("worker_id", id, "capabilities", List.of("docker"))).json();
        assertThat(dockerOnly.path("job_id").isNull()).isTrue();
        assertThat(worker.claim(id).path("job_id").asText()).isEqualTo(jobId);
        var none = worker.claim(id);
        assertThat(none.path("job_id").isNull()).isTrue();
        assertThat(none.path("step_name").isNull()).isTrue();
        assertThat(none.path("action_spec").isNull()).isTrue();
    }

    @Test
    void eightWorkersClaimingAtOnceGetEveryReadyStepExactlyOnce() throws Exception {
        var jobs = List.of(execute("fan-out", Map.of()), execute("fan-out", Map.of()));
        int expected = jobs.size() * TestWorkflows.FAN_OUT_STEPS;
        int threads = 8;
        var ids = new ArrayList<String>();
        for (int i = 0; i < threads; i++) {
            ids.add(worker.register("w" + i));
        }
        var claims = new ConcurrentLinkedQueue<String[]>();
        var go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            var results = new ArrayList<Future<?>>();
            for (String id : ids) {
                // Every thread has its own HTTP client, so the claims really arrive at once.
                var own = new WorkerCalls(new HttpTestClient(server.url(), TestServer.WORKER_TOKEN));
                results.add(pool.submit(() -> {
                    go.await();
                    while (true) {
                        JsonNode claim = own.claim(id);
                        if (claim.path("job_id").isNull()) {
                            return null;
                        }
                        claims.add(new String[] {claim.path("job_id").asText(), claim.path("step_name").asText(), id});
                    }
                }));
            }
            go.countDown();
            for (var r : results) {
                r.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(claims).hasSize(expected);
        assertThat(claims.stream().map(c -> c[0] + "/" + c[1]).distinct()).hasSize(expected);
        var owner = new HashMap<String, String>();
        claims.forEach(c -> owner.put(c[0] + "/" + c[1], c[2]));
        for (String jobId : jobs) {
            for (JsonNode s : job(jobId).path("steps")) {
                assertThat(s.path("status").asText()).isEqualTo("running");
                assertThat(s.path("worker_id").asText()).isEqualTo(owner.get(jobId + "/" + s.path("step_name").asText()));
            }
        }
        assertThat(metric("stroem_step_claims_total")).isEqualTo(expected);
    }

    @Test
    void startAndCompleteBelongToTheClaimingWorkerAndCompletingTwiceChangesNothing() {
        String jobId = execute("needs-token", Map.of("token", "t"));
        String w1 = worker.register("w1");
        String w2 = worker.register("w2");
        var http = worker.http();
        assertError(worker.complete(jobId, "only", 0, null), 409, "only");
        worker.claim(w1);

        assertError(http.post("/worker/jobs/" + jobId + "/steps/only/start", Map.of("worker_id", w2)), 409, w2);
        assertError(http.post("/worker/jobs/" + jobId + "/steps/ghost/start", Map.of("worker_id", w1)), 404, "ghost");
        assertError(http.post("/worker/jobs/no-such-job/steps/only/start", Map.of("worker_id", w1)), 404, "no-such-job");
        assertError(http.post("/worker/jobs/" + jobId + "/steps/only/start", Map.of()), 400, "worker_id");
        assertError(http.post("/worker/jobs/" + jobId + "/steps/only/complete", Map.of("error", "x")), 400, "exit_code");
        assertError(http.post("/worker/jobs/" + jobId + "/steps/only/complete", Map.of("exit_code", "zero")), 400, "exit_code");
        assertError(worker.complete("no-such-job", "only", 0, null), 404, "no-such-job");
        assertError(worker.complete(jobId, "ghost", 0, null), 404, "ghost");
        assertError(http.get("/worker/jobs/no-such-job/cancelled"), 404, "no-such-job");
        assertThat(stepStatus(jobId, "only")).isEqualTo("running");
        worker.start(jobId, "only", w1);

        WorkerCalls.ok(worker.complete(jobId, "only", 0, null));
        WorkerCalls.ok(worker.complete(jobId, "only", 1, "a late contradiction"));

        var job = awaitJobStatus(jobId, "completed");
        assertThat(step(job, "only").path("status").asText()).isEqualTo("completed");
        assertThat(step(job, "only").path("exit_code").asInt()).isZero();
        assertThat(step(job, "only").path("error_message").isNull()).isTrue();
    }

    @Test
    void logIngestRejectsBadBatchesWithTheRightStatusAndWritesNothing() {
        String jobId = execute("needs-token", Map.of("token", "t"));
        var http = worker.http();
        String path = "/worker/jobs/" + jobId + "/logs";

        assertError(worker.logs("no-such-job", "only", null, WorkerCalls.lines("x")), 404, "no-such-job");
        assertError(worker.logs(jobId, "ghost", null, WorkerCalls.lines("x")), 404, "ghost");
        assertError(http.post(path, Map.of("step_name", "only", "lines", List.of(
                Map.of("stream", "stdout", "line", "fine"),
                Map.of("stream", "stdlog", "line", "x")))), 400, "lines[1].stream", "stdlog");
        assertError(http.post(path, Map.of("lines", List.of())), 400, "step_name");
        assertError(http.post(path, Map.of("step_name", "only")), 400, "lines");
        assertError(http.post(path, Map.of("step_name", "only", "lines", "x")), 400, "lines");
        assertError(http.post(path, Map.of("step_name", "only", "lines", List.of(Map.of("stream", "stdout")))),
                400, "lines[0].line");
        assertError(http.post(path, Map.of("step_name", "only", "lines", List.of(Map.of("line", List.of(1))))),
                400, "lines[0].line");
        assertError(http.post(path, "{\"step_name\":\"only\",\"lines\":[{\"line\":\"x\"}"), 400, "JSON");
        assertError(http.post(path, "[]"), 400);
        assertError(http.post(path, Map.of("step_name", "only", "batch_id", "b".repeat(129),
                "lines", WorkerCalls.lines("x"))), 400, "batch_id");
        byte[] huge = new byte[(int) WebServer.MAX_BODY_BYTES + 1024];
        Arrays.fill(huge, (byte) 'a');
        byte[] prefix = "{\"step_name\":\"only\",\"lines\":[{\"line\":\"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(prefix, 0, huge, 0, prefix.length);
        byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(suffix, 0, huge, huge.length - suffix.length, suffix.length);
        assertError(http.postBytes(path, huge), 413, String.valueOf(WebServer.MAX_BODY_BYTES));

        var answer = api.get("/api/jobs/" + jobId + "/logs");
        assertThat(answer.json().path("logs").asText()).isEmpty();
        assertThat(Files.exists(server.logDir().resolve(jobId + ".jsonl"))).isFalse();
        assertThat(metric("stroem_log_lines_ingested_total")).isZero();
    }

    @Test
    void aChunkedBodyOverTheLimitIs413AndWritesNothing() {
        String jobId = execute("needs-token", Map.of("token", "t"));
        // No Content-Length: the size is only known while reading.
        long size = WebServer.MAX_BODY_BYTES + 1024;
        var body = new java.io.InputStream() {
            long sent;

            @Override
            public int read() {
                return sent++ < size ? 'a' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (sent >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - sent);
                java.util.Arrays.fill(b, off, off + n, (byte) 'a');
                sent += n;
                return n;
            }
        };
        var request = worker.http().request("/worker/jobs/" + jobId + "/logs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build();

        HttpTestClient.Answer answer;
        try {
            answer = worker.http().send(request);
        } catch (java.io.UncheckedIOException e) {
            // The server may answer and close before the client finished sending; then it is the answer we cannot see.
            answer = null;
        }
        if (answer != null) {
            assertError(answer, 413, String.valueOf(WebServer.MAX_BODY_BYTES));
        }
        assertThat(api.get("/healthz").status()).isEqualTo(200);
        assertThat(Files.exists(server.logDir().resolve(jobId + ".jsonl"))).isFalse();
    }

    @Test
    void theOutputAWorkerReportsCountsOnlyWhenTheLogHasNone() {
        String jobId = execute("chain", Map.of());
        String w = worker.register("w");
        worker.claimAndStart(w, jobId, "first");
        var http = worker.http();
        WorkerCalls.ok(http.post("/worker/jobs/" + jobId + "/steps/first/complete",
                Map.of("exit_code", 0, "output", Map.of("reported", true))));
        worker.claimAndStart(w, jobId, "second");
        worker.stdout(jobId, "second", "OUTPUT: {\"from_log\": 1}");
        WorkerCalls.ok(http.post("/worker/jobs/" + jobId + "/steps/second/complete",
                Map.of("exit_code", 0, "output", Map.of("reported", true))));

        var job = job(jobId);
        assertThat(step(job, "first").path("output").path("reported").asBoolean()).isTrue();
        assertThat(step(job, "second").path("output").path("from_log").asInt()).isEqualTo(1);
        assertThat(step(job, "second").path("output").has("reported")).isFalse();
    }

    @Test
    void concurrentBatchesForOneJobNeverMixInsideALineAndKeepEachStepsOrder() throws Exception {
        String jobId = execute("fan-out", Map.of());
        int pushers = 4;
        int batches = 20;
        int perBatch = 50;
        ExecutorService pool = Executors.newFixedThreadPool(pushers);
        try {
            var results = new ArrayList<Future<?>>();
            for (int p = 1; p <= pushers; p++) {
                String step = "s" + p;
                var own = new WorkerCalls(new HttpTestClient(server.url(), TestServer.WORKER_TOKEN));
                results.add(pool.submit(() -> {
                    for (int b = 0; b < batches; b++) {
                        var texts = new String[perBatch];
                        for (int i = 0; i < perBatch; i++) {
                            texts[i] = step + " " + (b * perBatch + i) + " " + "y".repeat(200);
                        }
                        WorkerCalls.ok(own.logs(jobId, step, step + "-" + b, WorkerCalls.lines(texts)));
                    }
                    return null;
                }));
            }
            for (var r : results) {
                r.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        var all = lineTexts(logs("/api/jobs/" + jobId + "/logs?offset=0&limit=100000"));
        assertThat(all).hasSize(pushers * batches * perBatch);
        for (int p = 1; p <= pushers; p++) {
            var own = lineTexts(logs("/api/jobs/" + jobId + "/steps/s" + p + "/logs"));
            var expected = new ArrayList<String>();
            for (int i = 0; i < batches * perBatch; i++) {
                expected.add("s" + p + " " + i + " " + "y".repeat(200));
            }
            assertThat(own).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void theLastBatchSentWithTheCompletionIsWrittenOnceBeforeTheOutputIsRead() {
        String jobId = execute("chain", Map.of());
        var http = worker.http();
        assertThat(http.post("/worker/register", Map.of("name", "w")).header("X-Stroem-Complete-Logs"))
                .as("the server says it takes logs with a completion").contains("true");
        String w = worker.register("w");
        worker.claimAndStart(w, jobId, "first");
        worker.stdout(jobId, "first", "early line");
        String complete = "/worker/jobs/" + jobId + "/steps/first/complete";
        var logs = Map.of("batch_id", "last-of-first", "lines",
                WorkerCalls.lines("late line", "OUTPUT: {\"from_tail\": 7}"));

        // Bad logs are refused before anything is written: no line, no completion.
        assertError(http.post(complete, Map.of("exit_code", 0, "logs", Map.of("lines", WorkerCalls.lines("x")))),
                400, "logs.batch_id");
        assertError(http.post(complete, Map.of("exit_code", 0, "logs", Map.of("batch_id", "b",
                "lines", List.of(Map.of("stream", "stdlog", "line", "x"))))), 400, "logs.lines[0].stream");
        assertError(http.post(complete, Map.of("exit_code", 0, "logs", Map.of("batch_id", "b", "step_name", "second",
                "lines", WorkerCalls.lines("x")))), 400, "logs.step_name");
        assertThat(stepStatus(jobId, "first")).isEqualTo("running");

        var first = http.post(complete, Map.of("exit_code", 0, "logs", logs));
        var repeated = http.post(complete, Map.of("exit_code", 0, "logs", logs)); // its answer was lost, say

        WorkerCalls.ok(first);
        assertThat(first.json().path("logs").path("accepted").asInt()).isEqualTo(2);
        assertThat(repeated.status()).isEqualTo(200);
        assertThat(repeated.json().path("logs").path("duplicate").asBoolean()).isTrue();
        assertThat(lineTexts(logs("/api/jobs/" + jobId + "/logs?step=first")))
                .containsExactly("early line", "late line", "OUTPUT: {\"from_tail\": 7}");
        var job = job(jobId);
        assertThat(step(job, "first").path("status").asText()).isEqualTo("completed");
        assertThat(step(job, "first").path("output").path("from_tail").asInt()).isEqualTo(7);
        assertThat(metric("stroem_log_lines_ingested_total")).isEqualTo(3);
    }

    @Test
    void aRetriedBatchIsStoredOnceAndBatchesWithoutIdAlwaysAppend() {
        String jobId = execute("needs-token", Map.of("token", "t"));
        var batch = WorkerCalls.lines("one", "two");

        var first = worker.logs(jobId, "only", "batch-1", batch);
        var retry = worker.logs(jobId, "only", "batch-1", batch);
        var other = worker.logs(jobId, "only", "batch-2", batch);
        worker.stdout(jobId, "only", "three");
        worker.stdout(jobId, "only", "three");

        assertThat(first.json().path("accepted").asInt()).isEqualTo(2);
        assertThat(first.json().path("duplicate").asBoolean()).isFalse();
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json().path("duplicate").asBoolean()).isTrue();
        assertThat(other.json().path("duplicate").asBoolean()).isFalse();
        assertThat(lineTexts(logs("/api/jobs/" + jobId + "/logs"))).containsExactly("one", "two", "one", "two", "three", "three");
        assertThat(metric("stroem_log_lines_ingested_total")).isEqualTo(6);
    }

    @Test
    void timestampsAreKeptInUtcMillisecondsAndReplacedWhenInvalid() {
        String jobId = execute("needs-token", Map.of("token", "t"));
        var lines = new ArrayList<Map<String, Object>>();
        lines.add(Map.of("ts", "2025-02-12T11:56:45.123456+01:00", "stream", "stderr", "line", "offset time"));
        lines.add(Map.of("ts", "yesterday", "stream", "stdout", "line", "bad time"));
        lines.add(Map.of("line", "no time, no stream"));

        WorkerCalls.ok(worker.logs(jobId, "only", null, lines));

        var stored = logs("/api/jobs/" + jobId + "/logs").split("\n");
        assertThat(stored[0]).isEqualTo(
                "{\"ts\":\"2025-02-12T10:56:45.123Z\",\"stream\":\"stderr\",\"step\":\"only\",\"line\":\"offset time\"}");
        assertThat(stored[1]).matches("\\{\"ts\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\",\"stream\":\"stdout\","
                + "\"step\":\"only\",\"line\":\"bad time\"}");
        assertThat(stored[1]).doesNotContain("2025-02-12");
        assertThat(stored[2]).contains("\"stream\":\"stdout\",\"step\":\"only\",\"line\":\"no time, no stream\"");
    }

    @Test
    void linesOfAJobThatAlreadyEndedAreStillStored() {
        String jobId = execute("needs-token", Map.of("token", "t"));
        String w = worker.register("w");
        worker.run(w, jobId, "only", "before the end");
        awaitJobStatus(jobId, "completed");
        eventually().until(() -> !Files.exists(server.logDir().resolve(jobId + ".jsonl"))
                || lineTexts(logs("/api/jobs/" + jobId + "/logs")).contains("before the end"));

        worker.stdout(jobId, "only", "a late line");

        assertThat(lineTexts(logs("/api/jobs/" + jobId + "/steps/only/logs"))).containsExactly("before the end", "a late line");
    }

    @Test
    void healthAndMetricsReportTheDatabaseJobsIngestAndClaims() {
        var health = api.get("/healthz");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("ok");
        assertThat(health.json().path("database").asText()).isEqualTo("ok");

        String jobId = execute("needs-token", Map.of("token", "t"));
        execute("needs-token", Map.of("token", "t"));
        String w = worker.register("w");
        worker.run(w, jobId, "only", "héllo", "world");
        awaitJobStatus(jobId, "completed");

        var metrics = api.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(metric("stroem_jobs", "completed")).isEqualTo(1);
        assertThat(metric("stroem_jobs", "pending")).isEqualTo(1);
        assertThat(metric("stroem_jobs", "failed")).isZero();
        assertThat(metric("stroem_log_lines_ingested_total")).isEqualTo(2);
        assertThat(metric("stroem_log_bytes_ingested_total")).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8).length + 5);
        assertThat(metric("stroem_log_ingest_latency_seconds_count")).isEqualTo(1);
        assertThat(metric("stroem_step_claims_total")).isEqualTo(1);
    }

    /** A sample of {@code /metrics}, by name and optionally its {@code status} label. */
    double metric(String name, String... status) {
        String body = api.get("/metrics").body();
        for (String line : body.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            boolean nameMatches = line.startsWith(name + " ") || line.startsWith(name + "{");
            boolean labelMatches = status.length == 0 || line.contains("status=\"" + status[0] + "\"");
            if (nameMatches && labelMatches) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no metric " + name + " in\n" + body);
    }

    static List<String> lineTexts(String jsonl) {
        var out = new ArrayList<String>();
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : jsonl.split("\n")) {
            if (!line.isEmpty()) {
                try {
                    out.add(mapper.readTree(line).path("line").asText());
                } catch (java.io.IOException e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }
        }
        return out;
    }
}
