package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stroem.config.WorkerConfig;
import dev.stroem.worker.Worker;
import dev.stroem.worker.WorkerApiClient;
import dev.stroem.worker.WorkerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Workspaces, tasks and jobs over HTTP: the public API of docs/api.md and the DAG behind it. */
abstract class JobsApiContract extends ServerContract {

    @Test
    void workspacesAreListedWithTheirCountsAndABrokenFileIsReportedNotFatal() {
        var answer = api.get("/api/workspaces");

        assertThat(answer.status()).isEqualTo(200);
        var workspaces = answer.json();
        assertThat(workspaces).hasSize(2);
        var healthy = workspaces.get(0);
        assertThat(healthy.path("name").asText()).isEqualTo("default");
        assertThat(healthy.path("tasks_count").asInt()).isEqualTo(4);
        assertThat(healthy.path("actions_count").asInt()).isEqualTo(3);
        assertThat(healthy.path("errors")).isEmpty();
        var broken = workspaces.get(1);
        assertThat(broken.path("name").asText()).isEqualTo("broken");
        assertThat(broken.path("errors")).isNotEmpty();
        assertThat(broken.path("errors").get(0).path("file").asText()).contains("bad.yaml");
        assertThat(broken.path("errors").get(0).path("message").asText()).isNotBlank();
        // The workspace's good file still works.
        var tasks = api.get("/api/workspaces/broken/tasks").json();
        assertThat(tasks.findValuesAsText("name")).contains("still-works");
        assertThat(api.post("/api/workspaces/broken/tasks/still-works/execute", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void aWorkflowFileBrokenWhileTheServerRunsShowsItsErrorsAndTheRestKeepsWorking() throws Exception {
        Path broken = server.workspaceDir("default").resolve(".workflows").resolve("later.yaml");
        Files.writeString(broken, "tasks:\n  later:\n    flow: [not, a, mapping\n");

        // The workspace poller looks every few seconds.
        eventually().until(() -> !api.get("/api/workspaces").json().get(0).path("errors").isEmpty());
        var errors = api.get("/api/workspaces").json().get(0).path("errors");
        assertThat(errors.get(0).path("file").asText()).contains("later.yaml");
        assertThat(api.get("/healthz").status()).isEqualTo(200);
        assertThat(api.get("/api/workspaces/default/tasks").json().findValuesAsText("name")).contains("hello-world");
        String jobId = execute("needs-token", Map.of("token", "t"));
        assertThat(job(jobId).path("status").asText()).isEqualTo("pending");

        Files.delete(broken);
        eventually().until(() -> api.get("/api/workspaces").json().get(0).path("errors").isEmpty());
    }

    @Test
    void tasksAreListedAndDescribedAndUnknownNamesAre404() {
        var list = api.get("/api/workspaces/default/tasks");
        assertThat(list.status()).isEqualTo(200);
        var names = new java.util.ArrayList<String>();
        list.json().forEach(task -> names.add(task.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("hello-world", "needs-token", "chain", "fan-out");

        var detail = api.get("/api/workspaces/default/tasks/hello-world").json();
        assertThat(detail.path("name").asText()).isEqualTo("hello-world");
        assertThat(detail.path("description").asText()).isEqualTo("Greets, then shouts the greeting");
        assertThat(detail.at("/input/name/default").asText()).isEqualTo("World");
        assertThat(detail.at("/flow/say-hello/action").asText()).isEqualTo("greet");
        assertThat(detail.at("/flow/shout-it/depends_on/0").asText()).isEqualTo("say-hello");
        assertThat(detail.at("/flow/shout-it/timeout").asLong()).isEqualTo(90);

        assertError(api.get("/api/workspaces/nope/tasks"), 404, "nope");
        assertError(api.get("/api/workspaces/default/tasks/nope"), 404, "nope");
        assertError(api.post("/api/workspaces/nope/tasks/hello-world/execute", Map.of()), 404, "nope");
        assertError(api.post("/api/workspaces/default/tasks/nope/execute", Map.of()), 404, "nope");
    }

    @Test
    void executeAppliesDefaultsAndAMissingRequiredFieldIs400NamingItAndCreatesNothing() {
        assertError(api.post("/api/workspaces/default/tasks/needs-token/execute", Map.of("input", Map.of())),
                400, "token");
        assertError(api.post("/api/workspaces/default/tasks/needs-token/execute", "{\"input\":"), 400);
        assertError(api.post("/api/workspaces/default/tasks/needs-token/execute", Map.of("input", List.of(1))),
                400, "input");
        assertThat(api.get("/api/jobs").json().path("total").asLong()).isZero();

        String jobId = execute("needs-token", Map.of("token", "s3cret"));

        var job = job(jobId);
        assertThat(job.path("job_id").asText()).isEqualTo(jobId);
        assertThat(job.path("workspace").asText()).isEqualTo("default");
        assertThat(job.path("task_name").asText()).isEqualTo("needs-token");
        assertThat(job.path("status").asText()).isEqualTo("pending");
        assertThat(job.path("input").path("token").asText()).isEqualTo("s3cret");
        assertThat(job.path("input").path("region").asText()).isEqualTo("eu-west-1");
        assertThat(job.path("created_at").asText()).isNotEmpty();
        assertThat(job.path("started_at").isNull()).isTrue();
        assertThat(step(job, "only").path("status").asText()).isEqualTo("ready");
        // An empty body means "no input": defaults apply, so a task without required fields runs.
        assertThat(api.post("/api/workspaces/default/tasks/hello-world/execute", "").status()).isEqualTo(200);
    }

    @Test
    void aStepsOutputFeedsTheNextStepAndTheJobCompletes() {
        String jobId = execute("hello-world", Map.of("name", "Ada"));
        String w = worker.register("w1");

        var first = worker.claimAndStart(w, jobId, "say-hello");
        assertThat(first.at("/action_spec/script").asText()).contains("echo \"Hello Ada\"");
        assertThat(first.at("/action_spec/env/WHO").asText()).isEqualTo("Ada");
        assertThat(first.at("/input/name").asText()).isEqualTo("Ada");
        assertThat(first.path("workspace").asText()).isEqualTo("default");
        assertThat(first.path("task_name").asText()).isEqualTo("hello-world");
        assertThat(first.path("action_name").asText()).isEqualTo("greet");
        assertThat(first.path("action_type").asText()).isEqualTo("script");
        assertThat(first.path("timeout_secs").isNull()).isTrue();
        // The dependant waits; nobody else can get work.
        assertThat(stepStatus(jobId, "shout-it")).isEqualTo("pending");
        assertThat(worker.claim(worker.register("w2")).path("job_id").isNull()).isTrue();
        var running = job(jobId);
        assertThat(running.path("status").asText()).isEqualTo("running");
        assertThat(running.path("started_at").asText()).isNotEmpty();
        assertThat(step(running, "say-hello").path("worker_id").asText()).isEqualTo(w);

        worker.stdout(jobId, "say-hello", "Hello Ada", "OUTPUT: {\"greeting\": \"not the last\"}",
                "OUTPUT: {\"greeting\": \"Hello Ada\"}");
        WorkerCalls.ok(worker.complete(jobId, "say-hello", 0, null));

        var afterFirst = job(jobId);
        assertThat(step(afterFirst, "say-hello").path("status").asText()).isEqualTo("completed");
        assertThat(step(afterFirst, "say-hello").path("exit_code").asInt()).isZero();
        assertThat(step(afterFirst, "say-hello").at("/output/greeting").asText()).isEqualTo("Hello Ada");
        assertThat(step(afterFirst, "shout-it").path("status").asText()).isEqualTo("ready");

        var second = worker.claimAndStart(w, jobId, "shout-it");
        assertThat(second.at("/input/message").asText()).isEqualTo("Hello Ada");
        assertThat(second.at("/action_spec/script").asText()).contains("echo \"Hello Ada\" | tr a-z A-Z");
        assertThat(second.path("timeout_secs").asLong()).isEqualTo(90);
        worker.stdout(jobId, "shout-it", "HELLO ADA");
        WorkerCalls.ok(worker.complete(jobId, "shout-it", 0, null));

        var done = awaitJobStatus(jobId, "completed");
        assertThat(done.path("error_message").isNull()).isTrue();
        Instant started = Instant.parse(done.path("started_at").asText());
        Instant completed = Instant.parse(done.path("completed_at").asText());
        assertThat(completed).isAfterOrEqualTo(started);
        for (JsonNode s : done.path("steps")) {
            assertThat(s.path("status").asText()).isEqualTo("completed");
            assertThat(s.path("started_at").asText()).isNotEmpty();
            assertThat(s.path("completed_at").asText()).isNotEmpty();
        }
    }

    @Test
    void aFailedStepSkipsItsDependantsExceptThoseThatContinueOnFailure() {
        String jobId = execute("chain", Map.of());
        String w = worker.register("w1");
        worker.run(w, jobId, "first");
        worker.claimAndStart(w, jobId, "second");
        worker.stdout(jobId, "second", "about to fail");

        WorkerCalls.ok(worker.complete(jobId, "second", 3, null));

        var job = job(jobId);
        assertThat(step(job, "second").path("status").asText()).isEqualTo("failed");
        assertThat(step(job, "second").path("exit_code").asInt()).isEqualTo(3);
        assertThat(step(job, "second").path("error_message").asText()).contains("3");
        assertThat(step(job, "third").path("status").asText()).isEqualTo("skipped");
        assertThat(step(job, "cleanup").path("status").asText()).isEqualTo("ready");
        assertThat(job.path("status").asText()).isEqualTo("running");

        worker.run(w, jobId, "cleanup", "cleaning");

        var failed = awaitJobStatus(jobId, "failed");
        assertThat(failed.path("error_message").asText()).contains("second");
        assertThat(failed.path("completed_at").asText()).isNotEmpty();
        assertThat(step(failed, "cleanup").path("status").asText()).isEqualTo("completed");
    }

    @Test
    void aStepReportedWithAnErrorFailsEvenWithExitCodeZero() {
        String jobId = execute("needs-token", Map.of("token", "t"));
        String w = worker.register("w1");
        worker.claimAndStart(w, jobId, "only");

        WorkerCalls.ok(worker.complete(jobId, "only", 0, "runner crashed"));

        var job = awaitJobStatus(jobId, "failed");
        assertThat(step(job, "only").path("error_message").asText()).isEqualTo("runner crashed");
    }

    @Test
    void jobsAreListedNewestFirstWithFiltersAndPaging() {
        var ids = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            ids.add(execute("needs-token", Map.of("token", "t" + i)));
        }
        String hello = execute("hello-world", Map.of());
        String w = worker.register("w1");
        // Fail the first needs-token job.
        worker.claimAndStart(w, ids.get(0), "only");
        WorkerCalls.ok(worker.complete(ids.get(0), "only", 1, null));
        awaitJobStatus(ids.get(0), "failed");

        var all = api.get("/api/jobs").json();
        assertThat(all.path("total").asLong()).isEqualTo(4);
        assertThat(all.path("items").findValuesAsText("job_id")).containsExactly(hello, ids.get(2), ids.get(1), ids.get(0));
        var item = all.path("items").get(0);
        assertThat(item.path("workspace").asText()).isEqualTo("default");
        assertThat(item.path("task_name").asText()).isEqualTo("hello-world");
        assertThat(item.path("status").asText()).isEqualTo("pending");
        assertThat(item.has("created_at")).isTrue();

        var byTask = api.get("/api/jobs?workspace=default&task_name=needs-token").json();
        assertThat(byTask.path("total").asLong()).isEqualTo(3);
        var failed = api.get("/api/jobs?status=failed").json();
        assertThat(failed.path("items").findValuesAsText("job_id")).containsExactly(ids.get(0));
        assertThat(failed.path("total").asLong()).isEqualTo(1);
        var page = api.get("/api/jobs?workspace=default&task_name=needs-token&limit=2&offset=1").json();
        assertThat(page.path("items").findValuesAsText("job_id")).containsExactly(ids.get(1), ids.get(0));
        assertThat(page.path("total").asLong()).isEqualTo(3);
        assertThat(api.get("/api/jobs?workspace=elsewhere").json().path("total").asLong()).isZero();

        assertError(api.get("/api/jobs?status=sleeping"), 400, "status");
        assertError(api.get("/api/jobs?limit=0"), 400, "limit");
        assertError(api.get("/api/jobs?limit=many"), 400, "limit");
        assertError(api.get("/api/jobs?offset=-1"), 400, "offset");
        assertError(api.get("/api/jobs/00000000-0000-4000-8000-00000000dead"), 404, "00000000-0000-4000-8000-00000000dead");
        assertError(api.get("/api/jobs/no-such-job"), 400, "no-such-job");
    }

    @Test
    void cancellingAJobCancelsItsStepsTellsTheWorkerAndCannotBeRepeated() {
        String jobId = execute("hello-world", Map.of());
        String w = worker.register("w1");
        worker.claimAndStart(w, jobId, "say-hello");
        assertThat(worker.http().get("/worker/jobs/" + jobId + "/cancelled").json().path("cancelled").asBoolean()).isFalse();

        var answer = api.post("/api/jobs/" + jobId + "/cancel", "");

        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        assertThat(answer.json().path("status").asText()).isEqualTo("cancelled");
        var job = awaitJobStatus(jobId, "cancelled");
        assertThat(job.path("completed_at").asText()).isNotEmpty();
        assertThat(step(job, "say-hello").path("status").asText()).isEqualTo("cancelled");
        assertThat(step(job, "shout-it").path("status").asText()).isEqualTo("cancelled");
        assertThat(worker.http().get("/worker/jobs/" + jobId + "/cancelled").json().path("cancelled").asBoolean()).isTrue();
        // The worker reports the killed step late: accepted, and it changes nothing.
        WorkerCalls.ok(worker.complete(jobId, "say-hello", 137, "killed"));
        assertThat(job(jobId).path("status").asText()).isEqualTo("cancelled");
        assertThat(stepStatus(jobId, "say-hello")).isEqualTo("cancelled");
        assertThat(logs("/api/jobs/" + jobId + "/steps/_server/logs")).contains("[orchestrator] Job cancelled by api");

        assertError(api.post("/api/jobs/" + jobId + "/cancel", ""), 409, "already ended");
        assertError(api.post("/api/jobs/00000000-0000-4000-8000-00000000dead/cancel", ""), 404, "00000000-0000-4000-8000-00000000dead");
        assertError(api.post("/api/jobs/no-such-job/cancel", ""), 400, "no-such-job");
        // A pending job (nothing claimed yet) cancels too, and no worker can claim its steps afterwards.
        String pending = execute("needs-token", Map.of("token", "t"));
        assertThat(api.post("/api/jobs/" + pending + "/cancel", "").status()).isEqualTo(200);
        assertThat(worker.claim(w).path("job_id").isNull()).isTrue();
    }

    @Test
    void aRealWorkerRunsHelloWorldAndTheOutputReachesTheSecondStep() throws Exception {
        String jobId = execute("hello-world", Map.of("name", "World"));
        var config = new WorkerConfig(server.url(), TestServer.WORKER_TOKEN, "real-worker", 2, 1L, 1L,
                List.of("script"), List.of(), dir.resolve("work").toString(), dir.resolve("spool").toString(), 30L,
                WorkerConfig.DEFAULT_CLAIM_WAIT_SECS);
        var options = WorkerOptions.defaults();
        var real = new Worker(config, new WorkerApiClient(server.url(), TestServer.WORKER_TOKEN, Duration.ofSeconds(30)),
                options);
        real.start();
        try {
            var job = awaitJobStatus(jobId, "completed");
            assertThat(step(job, "say-hello").at("/output/greeting").asText()).isEqualTo("Hello World");
            assertThat(step(job, "shout-it").path("worker_id").asText()).isEqualTo(real.workerId().orElseThrow());
            String shout = logs("/api/jobs/" + jobId + "/steps/shout-it/logs");
            assertThat(shout).contains("\"line\":\"HELLO WORLD\"");
            String all = logs("/api/jobs/" + jobId + "/logs");
            assertThat(all).contains("\"step\":\"say-hello\",\"line\":\"Hello World\"");
        } finally {
            real.shutdown();
        }
    }
}
