package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Claims that wait for work ({@code wait_secs}, docs/worker-api.md): a claim is answered the
 * moment a step is ready for it, one waiting claim per ready step, never a step twice, nothing
 * lost when a waiting worker vanishes, waits ended by a server shutdown; the original's claim
 * without {@code wait_secs} is answered at once, as before.
 */
abstract class ClaimWaitContract extends ServerContract {
    /** Longer than any test runs: a claim answered before it is over was woken, not timed out. */
    static final long LONG_WAIT = 25;

    private final ExecutorService waiting = Executors.newCachedThreadPool();

    @AfterEach
    void stopWaiting() {
        waiting.shutdownNow();
    }

    @Test
    void aWaitingClaimIsAnsweredWithAStepThatBecomesReadyWhileItWaits() throws Exception {
        String w = worker.register("w");
        var claim = waitingClaim(server, w, LONG_WAIT);
        eventually().until(() -> metric(server, "stroem_claims_waiting") == 1);
        assertThat(claim).isNotDone();

        String jobId = execute("needs-token", Map.of("token", "t"));

        JsonNode answer = answerOf(claim);
        assertThat(answer.path("job_id").asText()).isEqualTo(jobId);
        assertThat(answer.path("step_name").asText()).isEqualTo("only");
        assertThat(answer.path("action_spec").path("script").asText()).contains("echo noop");
        assertThat(step(job(jobId), "only").path("worker_id").asText()).isEqualTo(w);
        worker.start(jobId, "only", w);
        assertThat(metric(server, "stroem_claims_waiting")).isZero();
        assertThat(metric(server, "stroem_step_ready_to_claimed_seconds_count")).isEqualTo(1);
    }

    @Test
    void aDependencyCompletingWakesTheClaimWaitingForTheNextStep() throws Exception {
        String jobId = execute("chain", Map.of());
        String w = worker.register("w");
        worker.claimAndStart(w, jobId, "first");
        var next = waitingClaim(server, w, LONG_WAIT);
        eventually().until(() -> metric(server, "stroem_claims_waiting") == 1);

        assertThat(worker.complete(jobId, "first", 0, null).status()).isEqualTo(200);

        JsonNode answer = answerOf(next);
        assertThat(answer.path("job_id").asText()).isEqualTo(jobId);
        assertThat(answer.path("step_name").asText()).isEqualTo("second");
        worker.start(jobId, "second", w);
        assertThat(metric(server, "stroem_step_claimed_to_started_seconds_count")).isEqualTo(2);
    }

    @Test
    void eachReadyStepWakesExactlyOneOfManyWaitingClaimsAndNoStepGoesTwice() throws Exception {
        var claims = new ArrayList<CompletableFuture<HttpTestClient.Answer>>();
        var ids = new ArrayList<String>();
        for (int i = 0; i < 6; i++) {
            String id = worker.register("w" + i);
            ids.add(id);
            claims.add(waitingClaim(server, id, LONG_WAIT));
        }
        eventually().until(() -> metric(server, "stroem_claims_waiting") == 6);

        String a = execute("needs-token", Map.of("token", "a"));
        String b = execute("needs-token", Map.of("token", "b"));

        eventually().until(() -> claims.stream().filter(CompletableFuture::isDone).count() == 2);
        var handed = new ArrayList<String>();
        for (int i = 0; i < claims.size(); i++) {
            if (claims.get(i).isDone()) {
                String jobId = answerOf(claims.get(i)).path("job_id").asText();
                handed.add(jobId);
                worker.start(jobId, "only", ids.get(i)); // as a worker does at once; else it is handed out again
            }
        }
        assertThat(handed).containsExactlyInAnyOrder(a, b);
        // The four others were not woken: they still wait, and no query answered them "no work".
        assertThat(metric(server, "stroem_claims_waiting")).isEqualTo(4);
        assertThat(claims.stream().filter(c -> !c.isDone())).hasSize(4);
        assertThat(metric(server, "stroem_step_claims_total")).isEqualTo(2);

        // One more step: exactly one more of them gets it.
        String c = execute("needs-token", Map.of("token", "c"));
        eventually().until(() -> claims.stream().filter(CompletableFuture::isDone).count() == 3);
        for (int i = 0; i < claims.size(); i++) {
            if (claims.get(i).isDone() && answerOf(claims.get(i)).path("job_id").asText().equals(c)) {
                worker.start(c, "only", ids.get(i));
            }
        }
        assertThat(metric(server, "stroem_claims_waiting")).isEqualTo(3);
        for (String jobId : List.of(a, b, c)) {
            assertThat(ids).contains(step(job(jobId), "only").path("worker_id").asText());
        }
    }

    @Test
    void aWaitThatEndsWithoutWorkAnswersNoWorkAndTheOriginalsClaimIsAnsweredAtOnce() {
        String w = worker.register("w");

        var waited = worker.http().post("/worker/jobs/claim", Map.of("worker_id", w, "wait_secs", 1));
        assertThat(waited.status()).isEqualTo(200);
        assertThat(waited.json().path("job_id").isNull()).isTrue();
        assertThat(waited.json().path("step_name").isNull()).isTrue();
        assertThat(waited.json().path("action_spec").isNull()).isTrue();
        assertThat(waited.json().path("wait_secs").asLong()).isEqualTo(1);

        // The original worker's claim: no wait_secs, the original's "no work" shape exactly.
        var original = worker.http().post("/worker/jobs/claim",
                Map.of("worker_id", w, "capabilities", List.of("script", "docker"), "tags", List.of()));
        assertThat(original.status()).isEqualTo(200);
        assertThat(original.json().size()).isEqualTo(3);
        assertThat(original.json().path("job_id").isNull()).isTrue();
        assertThat(metric(server, "stroem_claims_waiting")).isZero();
    }

    @Test
    void aBadWaitIsRefusedAndChangesNothing() {
        String w = worker.register("w");
        String jobId = execute("needs-token", Map.of("token", "t"));

        assertError(worker.http().post("/worker/jobs/claim", Map.of("worker_id", w, "wait_secs", -1)), 400, "wait_secs");
        assertError(worker.http().post("/worker/jobs/claim", Map.of("worker_id", w, "wait_secs", "soon")), 400,
                "wait_secs");

        assertThat(stepStatus(jobId, "only")).isEqualTo("ready");
    }

    @Test
    void aStepHandedToAWorkerWhoseConnectionDroppedWhileWaitingIsReadyAgainForAnother() throws Exception {
        String gone = worker.register("gone");
        try (var socket = rawWaitingClaim(gone)) {
            eventually().until(() -> metric(server, "stroem_claims_waiting") == 1);
        } // the worker vanishes: its connection closes while its claim waits
        String other = worker.register("other");
        var live = new WorkerCalls(new HttpTestClient(server.url(), TestServer.WORKER_TOKEN));

        String jobId = execute("needs-token", Map.of("token", "t"));

        // The vanished worker's claim waited longest, so the step went to it; unstarted, it is
        // ready again after the start deadline, and the live worker, claiming as our worker does, gets it.
        JsonNode answer = eventually().until(() -> live.http().post("/worker/jobs/claim",
                Map.of("worker_id", other, "wait_secs", LONG_WAIT)).json(), a -> !a.path("job_id").isNull());
        assertThat(answer.path("job_id").asText()).isEqualTo(jobId);
        assertThat(logs("/api/jobs/" + jobId + "/steps/_server/logs"))
                .contains("[orchestrator] Worker " + gone + " did not start step 'only'");
        worker.start(jobId, "only", other);
        assertThat(worker.complete(jobId, "only", 0, null).status()).isEqualTo(200);
        awaitJobStatus(jobId, "completed");
        assertThat(step(job(jobId), "only").path("worker_id").asText()).isEqualTo(other);
    }

    @Test
    void aServerShuttingDownAnswersItsWaitingClaimsWithNoWork() throws Exception {
        var claims = new ArrayList<CompletableFuture<HttpTestClient.Answer>>();
        for (int i = 0; i < 3; i++) {
            claims.add(waitingClaim(server, worker.register("w" + i), LONG_WAIT));
        }
        eventually().until(() -> metric(server, "stroem_claims_waiting") == 3);

        server.close();
        server = null;

        for (var claim : claims) {
            var answer = claim.get(LONG_WAIT - 5, TimeUnit.SECONDS);
            assertThat(answer.status()).as("%s", answer).isEqualTo(200);
            assertThat(answer.json().path("job_id").isNull()).isTrue();
        }
    }

    @Test
    void aClaimForSeveralStepsTakesUpToThatManyOldestFirstAndTheOriginalsShapeStaysOnTop() {
        String w = worker.register("w");
        var jobIds = new ArrayList<String>();
        for (String token : List.of("a", "b", "c")) {
            jobIds.add(execute("needs-token", Map.of("token", token)));
        }

        var first = worker.http().post("/worker/jobs/claim", Map.of("worker_id", w, "max_steps", 2));
        assertThat(first.status()).isEqualTo(200);
        var steps = first.json().path("steps");
        assertThat(steps).hasSize(2);
        assertThat(List.of(steps.get(0).path("job_id").asText(), steps.get(1).path("job_id").asText()))
                .containsExactly(jobIds.get(0), jobIds.get(1));
        // The original's fields describe the first of them, so a client that reads only those works.
        assertThat(first.json().path("job_id").asText()).isEqualTo(jobIds.get(0));
        assertThat(first.json().path("action_spec").path("script").asText()).contains("echo noop");
        assertThat(steps.get(1).path("action_spec").path("script").asText()).contains("echo noop");
        for (int i = 0; i < 2; i++) {
            assertThat(step(job(jobIds.get(i)), "only").path("worker_id").asText()).isEqualTo(w);
            worker.start(jobIds.get(i), "only", w);
        }
        assertThat(stepStatus(jobIds.get(2), "only")).isEqualTo("ready");

        var rest = worker.http().post("/worker/jobs/claim", Map.of("worker_id", w, "max_steps", 5));
        assertThat(rest.json().path("steps")).hasSize(1);
        assertThat(rest.json().path("job_id").asText()).isEqualTo(jobIds.get(2));
        worker.start(jobIds.get(2), "only", w);

        var none = worker.http().post("/worker/jobs/claim", Map.of("worker_id", w, "max_steps", 5));
        assertThat(none.json().path("job_id").isNull()).isTrue();
        assertThat(none.json().path("steps")).isEmpty();
        assertThat(metric(server, "stroem_step_claims_total")).isEqualTo(3);
    }

    @Test
    void aWaitingClaimForSeveralStepsIsWokenWithAllTheStepsThatBecameReadyForIt() throws Exception {
        String w = worker.register("w");
        var own = new HttpTestClient(server.url(), TestServer.WORKER_TOKEN);
        var claim = CompletableFuture.supplyAsync(() -> own.post("/worker/jobs/claim",
                Map.of("worker_id", w, "wait_secs", LONG_WAIT, "max_steps", 4)), waiting);
        eventually().until(() -> metric(server, "stroem_claims_waiting") == 1);

        String jobId = execute("chain", Map.of());

        JsonNode answer = answerOf(claim);
        assertThat(answer.path("steps")).hasSize(1); // only "first" is ready: "second" depends on it
        assertThat(answer.path("steps").get(0).path("step_name").asText()).isEqualTo("first");
        worker.start(jobId, "first", w);
        assertThat(stepStatus(jobId, "second")).isEqualTo("pending");
    }

    @Test
    void aBadMaxStepsIsRefusedAndChangesNothing() {
        String w = worker.register("w");
        String jobId = execute("needs-token", Map.of("token", "t"));

        assertError(worker.http().post("/worker/jobs/claim", Map.of("worker_id", w, "max_steps", 0)), 400, "max_steps");
        assertError(worker.http().post("/worker/jobs/claim", Map.of("worker_id", w, "max_steps", "all")), 400,
                "max_steps");

        assertThat(stepStatus(jobId, "only")).isEqualTo("ready");
    }

    /** A claim with {@code wait_secs} on its own connection, sent now, answered later. */
    CompletableFuture<HttpTestClient.Answer> waitingClaim(TestServer on, String workerId, long waitSecs) {
        var own = new HttpTestClient(on.url(), TestServer.WORKER_TOKEN);
        return CompletableFuture.supplyAsync(() -> own.post("/worker/jobs/claim",
                Map.of("worker_id", workerId, "capabilities", List.of("script"), "wait_secs", waitSecs)), waiting);
    }

    static JsonNode answerOf(CompletableFuture<HttpTestClient.Answer> claim) throws Exception {
        // Well before the wait is over: an answer with work was woken by the step, not by the wait's end.
        var answer = claim.get(LONG_WAIT - 5, TimeUnit.SECONDS);
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer.json();
    }

    /** A waiting claim sent by hand on a socket, so that the test can drop the connection. */
    private Socket rawWaitingClaim(String workerId) throws IOException {
        var uri = URI.create(server.url());
        var socket = new Socket(uri.getHost(), uri.getPort());
        byte[] body = HttpTestClient.write(Map.of("worker_id", workerId, "wait_secs", LONG_WAIT))
                .getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /worker/jobs/claim HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nAuthorization: Bearer "
                + TestServer.WORKER_TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    /** A sample of {@code /metrics} of {@code on}, by name. */
    static double metric(TestServer on, String name) {
        String body = on.api().get("/metrics").body();
        for (String line : body.split("\n")) {
            if (!line.startsWith("#") && (line.startsWith(name + " ") || line.startsWith(name + "{"))) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no metric " + name + " in\n" + body);
    }
}
