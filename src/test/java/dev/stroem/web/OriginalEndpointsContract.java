package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The original's endpoints beyond jobs (all tasks, stats, task stats, workers, workspace refresh),
 * its job-list filters, its 400 for malformed ids and its SPA fallback; run on SQLite and PostgreSQL.
 */
abstract class OriginalEndpointsContract extends ServerContract {
    static final String UNKNOWN_ID = "00000000-0000-4000-8000-00000000beef";

    private void complete(String w, String jobId, String... steps) {
        for (String step : steps) {
            worker.run(w, jobId, step);
        }
        awaitJobStatus(jobId, "completed");
    }

    @Test
    void allTasksOfAllWorkspacesAreListedWithTheirWorkspace() {
        var answer = api.get("/api/tasks");

        assertThat(answer.status()).isEqualTo(200);
        var tasks = answer.json();
        var names = new java.util.ArrayList<String>();
        tasks.forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("hello-world", "needs-token", "chain", "fan-out", "still-works");
        for (JsonNode t : tasks) {
            DocumentedShape.of("TaskListItem", "id: string", "mode: string", "workspace: string",
                    "has_triggers: boolean").assertOn(t);
        }
        assertThat(tasks.findValues("workspace").stream().map(JsonNode::asText).distinct())
                .containsExactly("default", "broken");
    }

    @Test
    void workspacesHaveTheOriginalsKeysAndABrokenOneAnError() {
        var workspaces = api.get("/api/workspaces").json();
        var shape = DocumentedShape.of("WorkspaceInfo", "name: string", "tasks_count: number",
                "actions_count: number", "triggers_count: number", "triggers_enabled: boolean",
                "revision: string | null", "error: string | null", "warnings: array");
        workspaces.forEach(shape::assertOn);
        assertThat(workspaces.get(0).path("error").isNull()).isTrue();
        assertThat(workspaces.get(1).path("error").asText()).contains("bad.yaml");
    }

    @Test
    void refreshReloadsAWorkspaceAtOnceAndAnUnknownOneIs404() throws Exception {
        var workflows = server.workspaceDir("default").resolve(".workflows");
        Files.writeString(workflows.resolve("added.yaml"), "tasks:\n  added-now:\n    flow:\n      one:\n"
                + "        type: script\n        script: echo added\n");

        var answer = api.post("/api/workspaces/default/refresh", "");

        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        assertThat(answer.json().path("workspace").asText()).isEqualTo("default");
        assertThat(answer.json().path("refreshed").asBoolean()).isTrue();
        assertThat(answer.json().has("revision")).isTrue();
        // No waiting for the poller: the task is there as soon as refresh answered.
        assertThat(api.get("/api/workspaces/default/tasks").json().findValuesAsText("name")).contains("added-now");
        assertError(api.post("/api/workspaces/nope/refresh", ""), 404, "nope");
    }

    @Test
    void statsCountJobsPerStatusForTheDashboard() {
        String w = worker.register("w1");
        String done = execute("needs-token", Map.of("token", "a"));
        complete(w, done, "only");
        String failed = execute("needs-token", Map.of("token", "b"));
        worker.claimAndStart(w, failed, "only");
        WorkerCalls.ok(worker.complete(failed, "only", 1, null));
        awaitJobStatus(failed, "failed");
        execute("needs-token", Map.of("token", "c"));

        var stats = api.get("/api/stats").json();

        assertThat(stats.path("pending").asLong()).isEqualTo(1);
        assertThat(stats.path("running").asLong()).isZero();
        assertThat(stats.path("completed").asLong()).isEqualTo(1);
        assertThat(stats.path("failed").asLong()).isEqualTo(1);
        assertThat(stats.path("cancelled").asLong()).isZero();
        assertThat(stats.path("skipped").asLong()).isZero();
    }

    @Test
    void taskStatsAggregateCompletedRunsOnlyOverallAndPerStep() {
        String w = worker.register("w1");
        var completed = new java.util.ArrayList<String>();
        for (int i = 0; i < 2; i++) {
            completed.add(execute("hello-world", Map.of()));
            worker.run(w, completed.get(i), "say-hello", "OUTPUT: {\"greeting\": \"hi\"}");
            complete(w, completed.get(i), "shout-it");
        }
        String failed = execute("hello-world", Map.of());
        worker.claimAndStart(w, failed, "say-hello");
        WorkerCalls.ok(worker.complete(failed, "say-hello", 1, null));
        awaitJobStatus(failed, "failed");

        var stats = api.get("/api/workspaces/default/tasks/hello-world/stats").json();

        assertThat(stats.path("window").asInt()).isEqualTo(50);
        var task = stats.path("task");
        assertThat(task.path("sample_size").asInt()).isEqualTo(2);
        for (String key : List.of("avg_ms", "p50_ms", "p95_ms", "min_ms", "max_ms")) {
            assertThat(task.path(key).isNumber()).as(key).isTrue();
        }
        assertThat(task.path("min_ms").asDouble()).isLessThanOrEqualTo(task.path("p50_ms").asDouble());
        assertThat(task.path("p95_ms").asDouble()).isLessThanOrEqualTo(task.path("max_ms").asDouble());
        assertThat(task.path("recent").findValuesAsText("job_id")).containsExactlyInAnyOrderElementsOf(completed);
        assertThat(task.path("recent").get(0).path("completed_at").asText()).matches(DocumentedShape.TIMESTAMP);
        assertThat(stats.path("steps").findValuesAsText("step_name")).containsExactly("say-hello", "shout-it");
        assertThat(stats.path("steps").get(0).path("sample_size").asInt()).isEqualTo(2);

        assertThat(api.get("/api/workspaces/default/tasks/hello-world/stats?limit=0").json().path("window").asInt())
                .isEqualTo(1);
        assertThat(api.get("/api/workspaces/default/tasks/hello-world/stats?limit=9999").json().path("window").asInt())
                .isEqualTo(500);
        var none = api.get("/api/workspaces/default/tasks/chain/stats").json().path("task");
        assertThat(none.path("sample_size").asInt()).isZero();
        assertThat(none.path("p50_ms").isNull()).isTrue();
        assertThat(none.path("recent")).isEmpty();
        assertError(api.get("/api/workspaces/default/tasks/nope/stats"), 404, "nope");
        assertError(api.get("/api/workspaces/nope/tasks/hello-world/stats"), 404, "nope");
    }

    @Test
    void workersAreListedAndOneShowsTheStepsItTook() {
        String w1 = worker.register("w1");
        String w2 = worker.register("w2");
        String jobId = execute("needs-token", Map.of("token", "t"));
        complete(w1, jobId, "only");

        var list = api.get("/api/workers").json();
        assertThat(list.path("total").asInt()).isEqualTo(2);
        var item = DocumentedShape.of("WorkerListItem", "worker_id: string", "name: string", "status: string",
                "capabilities: array", "tags: array", "version: string | null", "last_heartbeat: time | null",
                "registered_at: time");
        list.path("items").forEach(item::assertOn);
        assertThat(list.path("items").findValuesAsText("worker_id")).containsExactlyInAnyOrder(w1, w2);
        assertThat(api.get("/api/workers?limit=1&offset=1").json().path("items")).hasSize(1);

        var detail = api.get("/api/workers/" + w1).json();
        item.assertOn(detail);
        assertThat(detail.path("name").asText()).isEqualTo("w1");
        assertThat(detail.at("/steps/total").asInt()).isEqualTo(1);
        var step = detail.at("/steps/items/0");
        DocumentedShape.of("WorkerStepItem", "job_id: string", "workspace: string", "task_name: string",
                "job_status: string", "step_name: string", "action_type: string", "status: string",
                "started_at: time | null", "completed_at: time | null", "error_message: string | null").assertOn(step);
        assertThat(step.path("job_id").asText()).isEqualTo(jobId);
        assertThat(step.path("job_status").asText()).isEqualTo("completed");
        assertThat(api.get("/api/workers/" + w2).json().at("/steps/total").asInt()).isZero();

        assertError(api.get("/api/workers/" + UNKNOWN_ID), 404, UNKNOWN_ID);
        assertError(api.get("/api/workers/not-a-worker"), 400, "not-a-worker");
    }

    @Test
    void jobsAreFoundBySearchAndSourceTypeAndATaskFilterNeedsItsWorkspace() {
        String hello = execute("hello-world", Map.of());
        String token = execute("needs-token", Map.of("token", "t"));

        assertThat(ids(api.get("/api/jobs?search=HELLO"))).containsExactly(hello);
        assertThat(ids(api.get("/api/jobs?search=" + token.substring(0, 8)))).containsExactly(token);
        assertThat(ids(api.get("/api/jobs?search=%25"))).isEmpty();
        assertThat(ids(api.get("/api/jobs?search=needs_token"))).isEmpty();
        assertThat(ids(api.get("/api/jobs?source_type=api"))).containsExactlyInAnyOrder(hello, token);
        assertThat(ids(api.get("/api/jobs?source_type=webhook"))).isEmpty();
        assertThat(api.get("/api/jobs?search=hello").json().path("total").asInt()).isEqualTo(1);

        assertError(api.get("/api/jobs?task_name=hello-world"), 400, "workspace");
    }

    @Test
    void aMalformedJobOrWorkerIdIs400EverywhereAndAnUnknownOne404() {
        for (String path : List.of("", "/logs", "/logs/raw", "/steps/only/logs", "/logs?full=true")) {
            assertError(api.get("/api/jobs/not-a-uuid" + path), 400, "not-a-uuid");
            assertError(api.get("/api/jobs/" + UNKNOWN_ID + path), 404);
        }
        assertError(api.post("/api/jobs/not-a-uuid/cancel", ""), 400, "not-a-uuid");
        assertError(api.post("/api/jobs/" + UNKNOWN_ID + "/cancel", ""), 404);
    }

    @Test
    void unknownPagesServeTheUiSoDeepLinksWorkButUnknownApiPathsStayJson404() {
        for (String page : List.of("/workers", "/jobs/" + UNKNOWN_ID + "/steps", "/workspaces/default/tasks/x")) {
            var answer = api.get(page);
            assertThat(answer.status()).as(page).isEqualTo(200);
            assertThat(answer.header("Content-Type").orElse("")).as(page).startsWith("text/html");
            assertThat(answer.body()).as(page).contains("<html");
        }
        assertError(api.get("/api/no-such-thing"), 404, "/api/no-such-thing");
        assertThat(api.get("/assets/missing.js").status()).isEqualTo(404);
        assertThat(api.post("/some/page", "").status()).isEqualTo(404);
    }

    private static List<String> ids(HttpTestClient.Answer answer) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return answer.json().path("items").findValuesAsText("job_id");
    }
}
