package dev.stroem.web;

import static dev.stroem.web.WorkerApiContract.lineTexts;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stopping and starting the server on the same folders and database loses nothing and stops nothing. */
abstract class RestartContract extends ServerContract {

    @Test
    void jobsStepsAndWorkersSurviveARestartAndWorkInFlightCarriesOn() {
        String done = execute("needs-token", Map.of("token", "t"));
        String pending = execute("needs-token", Map.of("token", "u"));
        String w = worker.register("w1");
        worker.run(w, done, "only", "finished before the restart");
        awaitJobStatus(done, "completed");
        // pending's step is claimed by the next call; take it out of the way first.
        worker.claimAndStart(w, pending, "only");
        String inFlight = execute("hello-world", Map.of("name", "Ada"));
        worker.claimAndStart(w, inFlight, "say-hello");
        worker.stdout(inFlight, "say-hello", "before the restart");

        server.restart();

        assertThat(job(done).path("status").asText()).isEqualTo("completed");
        assertThat(lineTexts(logs("/api/jobs/" + done + "/logs"))).containsExactly("finished before the restart");
        assertThat(api.get("/api/jobs").json().path("total").asLong()).isEqualTo(3);
        var running = job(inFlight);
        assertThat(running.path("status").asText()).isEqualTo("running");
        assertThat(step(running, "say-hello").path("status").asText()).isEqualTo("running");
        assertThat(step(running, "say-hello").path("worker_id").asText()).isEqualTo(w);
        assertThat(step(running, "shout-it").path("status").asText()).isEqualTo("pending");
        assertThat(stepStatus(pending, "only")).isEqualTo("running");
        // The worker is still known: its heartbeat is accepted and it finishes what it was running.
        WorkerCalls.ok(worker.http().post("/worker/heartbeat", Map.of("worker_id", w)));
        worker.stdout(inFlight, "say-hello", "after the restart", "OUTPUT: {\"greeting\": \"Hello Ada\"}");
        WorkerCalls.ok(worker.complete(inFlight, "say-hello", 0, null));
        var next = worker.claimAndStart(w, inFlight, "shout-it");
        assertThat(next.at("/input/message").asText()).isEqualTo("Hello Ada");
        WorkerCalls.ok(worker.complete(inFlight, "shout-it", 0, null));
        WorkerCalls.ok(worker.complete(pending, "only", 0, null));

        awaitJobStatus(inFlight, "completed");
        awaitJobStatus(pending, "completed");
        assertThat(lineTexts(logs("/api/jobs/" + inFlight + "/steps/say-hello/logs")))
                .containsExactly("before the restart", "after the restart", "OUTPUT: {\"greeting\": \"Hello Ada\"}");
    }

    @Test
    void aBatchRetriedAfterARestartIsNotWrittenTwice() {
        String jobId = execute("needs-token", Map.of("token", "t"));
        var batch = WorkerCalls.lines("written once", "also once");
        var first = WorkerCalls.ok(worker.logs(jobId, "only", "retry-me", batch));
        assertThat(first.json().path("duplicate").asBoolean()).isFalse();

        // As if the answer had been lost: the worker sends the same batch again to the restarted server.
        server.restart();
        var retry = WorkerCalls.ok(worker.logs(jobId, "only", "retry-me", batch));

        assertThat(retry.json().path("duplicate").asBoolean()).isTrue();
        assertThat(retry.json().path("accepted").asInt()).isEqualTo(2);
        WorkerCalls.ok(worker.logs(jobId, "only", "next", WorkerCalls.lines("then more")));
        assertThat(lineTexts(logs("/api/jobs/" + jobId + "/logs"))).containsExactly("written once", "also once", "then more");
    }
}
