package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The original's job and step shapes over HTTP, key by key, for jobs that complete, fail, are
 * cancelled and fire hooks; run on SQLite and PostgreSQL.
 */
abstract class JobShapesContract extends ServerContract {

    @Override
    TestServer.Config configure(TestServer.Config config) {
        try {
            var workflows = dir.resolve("workspaces").resolve("default").resolve(".workflows");
            Files.createDirectories(workflows);
            Files.writeString(workflows.resolve("hooks.yaml"), """
                    actions:
                      notify:
                        type: script
                        script: echo "notified {{ input.what }}"
                        input:
                          what: { type: string }
                    tasks:
                      with-hooks:
                        input:
                          who: { type: string, default: nobody }
                        flow:
                          only:
                            action: notify
                            input:
                              what: "{{ input.who }}"
                        on_success:
                          - action: notify
                            input:
                              what: "{{ hook.task_name }} succeeded"
                      looped:
                        flow:
                          per-item:
                            action: notify
                            for_each: ["x", "y"]
                            input:
                              what: "{{ each.item }}"
                      retried:
                        retry: { max_attempts: 2, delay: 0s }
                        flow:
                          flaky:
                            action: notify
                            input:
                              what: flaky
                            retry: { max_attempts: 2, delay: 0s }
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config;
    }

    private void assertJobShapes(String jobId) {
        var job = job(jobId);
        DocumentedShape.JOB_DETAIL.assertOn(job);
        for (JsonNode s : job.path("steps")) {
            DocumentedShape.JOB_STEP.assertOn(s);
        }
        var items = api.get("/api/jobs?limit=500").json().path("items");
        assertThat(items).isNotEmpty();
        items.forEach(DocumentedShape.JOB_LIST_ITEM::assertOn);
    }

    @Test
    void aCompletedJobHasEveryDocumentedKeyWithRenderedStepInputsAndTheLastStepsOutput() {
        String jobId = execute("hello-world", Map.of("name", "Ada"));
        assertJobShapes(jobId);
        String w = worker.register("w1");
        worker.run(w, jobId, "say-hello", "OUTPUT: {\"greeting\": \"Hello Ada\"}");
        worker.run(w, jobId, "shout-it", "HELLO ADA", "OUTPUT: {\"shouted\": \"HELLO ADA\"}");

        var job = awaitJobStatus(jobId, "completed");

        assertJobShapes(jobId);
        assertThat(job.path("mode").asText()).isEqualTo("distributed");
        assertThat(job.path("source_type").asText()).isEqualTo("api");
        // raw_input is what the caller sent; input has the task's defaults applied.
        assertThat(job.path("raw_input")).isEqualTo(json(Map.of("name", "Ada")));
        assertThat(job.path("input").path("name").asText()).isEqualTo("Ada");
        assertThat(job.path("worker_id").asText()).isEqualTo(w);
        assertThat(job.path("output")).isEqualTo(json(Map.of("shouted", "HELLO ADA")));
        assertThat(job.path("retry_attempt").asInt()).isZero();
        var first = step(job, "say-hello");
        assertThat(first.path("input")).isEqualTo(json(Map.of("name", "Ada")));
        assertThat(first.path("runner").asText()).isEqualTo("local");
        assertThat(first.path("carried_over").asBoolean()).isFalse();
        assertThat(first.path("retry_history")).isEmpty();
        assertThat(step(job, "shout-it").path("input")).isEqualTo(json(Map.of("message", "Hello Ada")));
        assertThat(step(job, "shout-it").path("depends_on").get(0).asText()).isEqualTo("say-hello");
    }

    @Test
    void aStepNotYetClaimedHasANullInputAndAPendingJobNullTimesAndNoOutput() {
        String jobId = execute("needs-token", Map.of("token", "t"));

        var job = job(jobId);

        assertJobShapes(jobId);
        assertThat(job.path("started_at").isNull()).isTrue();
        assertThat(job.path("output").isNull()).isTrue();
        assertThat(job.path("worker_id").isNull()).isTrue();
        assertThat(step(job, "only").path("input").isNull()).isTrue();
        assertThat(job.path("raw_input")).isEqualTo(json(Map.of("token", "t")));
        assertThat(job.path("input").path("region").asText()).isEqualTo("eu-west-1");
    }

    @Test
    void aFailedJobNamesWhySkippedStepsWereSkipped() {
        String jobId = execute("chain", Map.of());
        String w = worker.register("w1");
        worker.run(w, jobId, "first");
        worker.claimAndStart(w, jobId, "second");
        WorkerCalls.ok(worker.complete(jobId, "second", 3, null));
        worker.run(w, jobId, "cleanup");

        var job = awaitJobStatus(jobId, "failed");

        assertJobShapes(jobId);
        assertThat(job.path("output").isNull()).isTrue();
        assertThat(step(job, "third").path("status").asText()).isEqualTo("skipped");
        assertThat(step(job, "third").path("skip_reason").asText()).isEqualTo("unreachable");
        assertThat(step(job, "second").path("skip_reason").isNull()).isTrue();
        assertThat(step(job, "second").path("error_message").asText()).isNotBlank();
    }

    @Test
    void aLoopJobShowsItsPlaceholderAndItsInstances() {
        String jobId = execute("looped", Map.of());
        String w = worker.register("w1");
        worker.run(w, jobId, "per-item[0]", "OUTPUT: {\"n\": 1}");
        worker.run(w, jobId, "per-item[1]", "OUTPUT: {\"n\": 2}");

        var job = awaitJobStatus(jobId, "completed");

        assertJobShapes(jobId);
        var placeholder = step(job, "per-item");
        assertThat(placeholder.path("for_each_expr").asText()).isEqualTo("[\"x\",\"y\"]");
        assertThat(placeholder.path("loop_source").isNull()).isTrue();
        var second = step(job, "per-item[1]");
        assertThat(second.path("loop_source").asText()).isEqualTo("per-item");
        assertThat(second.path("loop_index").asInt()).isEqualTo(1);
        assertThat(second.path("loop_total").asInt()).isEqualTo(2);
        assertThat(second.path("input")).isEqualTo(json(Map.of("what", "y")));
        assertThat(second.path("output")).isEqualTo(json(Map.of("n", 2)));
    }

    @Test
    void aRetriedJobShowsItsAttemptsAndItsRetryChain() {
        String jobId = execute("retried", Map.of());
        String w = worker.register("w1");
        worker.claimAndStart(w, jobId, "flaky");
        WorkerCalls.ok(worker.complete(jobId, "flaky", 3, null));
        worker.claimAndStart(w, jobId, "flaky");
        WorkerCalls.ok(worker.complete(jobId, "flaky", 3, null));

        JsonNode[] failed = {null};
        eventually().untilAsserted(() -> {
            failed[0] = job(jobId);
            assertThat(failed[0].path("retry_job_id").isNull()).as("%s", failed[0]).isFalse();
        });

        assertJobShapes(jobId);
        assertThat(failed[0].path("status").asText()).isEqualTo("failed");
        assertThat(failed[0].path("retry_attempt").asInt()).isZero();
        assertThat(failed[0].path("max_retries").asInt()).isEqualTo(1);
        var flaky = step(failed[0], "flaky");
        assertThat(flaky.path("retry_attempt").asInt()).isEqualTo(1);
        assertThat(flaky.path("max_retries").asInt()).isEqualTo(1);
        assertThat(flaky.path("retry_history")).singleElement().satisfies(attempt -> {
            assertThat(attempt.path("attempt").asInt()).isZero();
            assertThat(attempt.path("error").asText()).isEqualTo("Command exited with code 3");
            assertThat(attempt.path("started_at").asText()).isNotEmpty();
            assertThat(attempt.path("failed_at").asText()).isNotEmpty();
        });

        String retryJob = failed[0].path("retry_job_id").asText();
        worker.run(w, retryJob, "flaky");
        var retried = awaitJobStatus(retryJob, "completed");
        assertJobShapes(retryJob);
        assertThat(retried.path("retry_of_job_id").asText()).isEqualTo(jobId);
        assertThat(retried.path("retry_attempt").asInt()).isEqualTo(1);
        assertThat(retried.path("retry_job_id").isNull()).isTrue();
    }

    @Test
    void aCancelledJobKeepsTheShape() {
        String jobId = execute("hello-world", Map.of());
        String w = worker.register("w1");
        worker.claimAndStart(w, jobId, "say-hello");
        assertThat(api.post("/api/jobs/" + jobId + "/cancel", "").status()).isEqualTo(200);

        awaitJobStatus(jobId, "cancelled");

        assertJobShapes(jobId);
    }

    @Test
    void aHookJobHasTheSameShapeAndItsStepShowsTheRenderedHookInput() {
        String jobId = execute("with-hooks", Map.of("who", "Bo"));
        String w = worker.register("w1");
        worker.run(w, jobId, "only");
        awaitJobStatus(jobId, "completed");
        eventually().until(() -> job(jobId).path("hook_jobs").size() == 1);
        String hookId = job(jobId).path("hook_jobs").get(0).path("job_id").asText();

        var claim = worker.claim(w);
        assertThat(claim.path("job_id").asText()).isEqualTo(hookId);
        worker.start(hookId, claim.path("step_name").asText(), w);
        WorkerCalls.ok(worker.complete(hookId, claim.path("step_name").asText(), 0, null));

        var hook = awaitJobStatus(hookId, "completed");
        assertJobShapes(hookId);
        assertThat(hook.path("source_type").asText()).isEqualTo("hook");
        assertThat(hook.path("task_name").asText()).isEqualTo("_hook:notify");
        assertThat(api.get("/api/jobs?source_type=hook").json().path("items").findValuesAsText("job_id"))
                .containsExactly(hookId);
        assertThat(hook.path("source_id").asText()).isEqualTo(jobId);
        assertThat(hook.path("steps").get(0).path("input").path("what").asText()).isEqualTo("with-hooks succeeded");
        DocumentedShape.JOB_LIST_ITEM.assertOn(job(jobId).path("hook_jobs").get(0));
    }

    @Test
    void executeRecordsTheJobItReRunsAndRefusesAnUnknownOne() {
        String first = execute("needs-token", Map.of("token", "t"));

        var again = api.post("/api/workspaces/default/tasks/needs-token/execute",
                Map.of("input", Map.of("token", "t"), "source_job_id", first));

        assertThat(again.status()).as("%s", again).isEqualTo(200);
        assertThat(job(again.json().path("job_id").asText()).path("source_job_id").asText()).isEqualTo(first);
        assertThat(job(first).path("source_job_id").isNull()).isTrue();
        long before = api.get("/api/jobs").json().path("total").asLong();
        assertError(api.post("/api/workspaces/default/tasks/needs-token/execute",
                Map.of("input", Map.of("token", "t"), "source_job_id", "00000000-0000-4000-8000-000000000000")),
                400, "source_job_id");
        assertThat(api.get("/api/jobs").json().path("total").asLong()).isEqualTo(before);
    }

    private static JsonNode json(Object value) {
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(value);
    }
}
