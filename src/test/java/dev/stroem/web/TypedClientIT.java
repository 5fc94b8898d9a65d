package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.stroem.config.WorkerConfig;
import dev.stroem.worker.Worker;
import dev.stroem.worker.WorkerApiClient;
import dev.stroem.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * A client written against the original's documented field lists (its UI's {@code types.ts}:
 * {@code TaskListItem}, {@code ExecuteTaskResponse}, {@code JobDetail}, {@code JobStep},
 * {@code PaginatedResponse<JobListItem>}, {@code {logs}}), strict the way a typed client is: every
 * declared key must be present, non-nullable ones non-null, times parseable; keys it does not
 * know are ignored. It lists tasks, runs one, follows its steps and reads its logs.
 */
class TypedClientIT extends ServerContract {

    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }

    private static final ObjectMapper STRICT = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    record TaskListItem(String id, String mode, String workspace, boolean has_triggers) {
        TaskListItem {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(workspace, "workspace");
        }
    }

    record ExecuteTaskResponse(String job_id) {
        ExecuteTaskResponse {
            Objects.requireNonNull(job_id, "job_id");
        }
    }

    record RetryAttempt(int attempt, String error, Instant started_at, Instant failed_at) {}

    record JobStep(String step_name, String action_name, String action_type, String action_image, String runner,
            Map<String, Object> input, Map<String, Object> output, String status, String worker_id,
            Instant started_at, Instant completed_at, Instant suspended_at, String error_message,
            String when_condition, List<String> depends_on, String for_each_expr, String loop_source,
            Integer loop_index, Integer loop_total, int retry_attempt, Integer max_retries,
            List<RetryAttempt> retry_history, Instant retry_at, String approval_message,
            Map<String, Object> approval_fields, boolean carried_over, String skip_reason) {
        JobStep {
            Objects.requireNonNull(step_name, "step_name");
            Objects.requireNonNull(action_name, "action_name");
            Objects.requireNonNull(action_type, "action_type");
            Objects.requireNonNull(runner, "runner");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(depends_on, "depends_on");
            Objects.requireNonNull(retry_history, "retry_history");
        }
    }

    record JobDetail(String job_id, String workspace, String task_name, String mode, Map<String, Object> input,
            Map<String, Object> raw_input, Map<String, Object> output, String status, String source_type,
            String source_id, String source_job_id, String restart_from_step, String parent_job_id, String revision,
            String worker_id, Instant created_at, Instant started_at, Instant completed_at, String retry_of_job_id,
            String retry_job_id, int retry_attempt, Integer max_retries, List<JobStep> steps) {
        JobDetail {
            Objects.requireNonNull(job_id, "job_id");
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(task_name, "task_name");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(source_type, "source_type");
            Objects.requireNonNull(created_at, "created_at");
            Objects.requireNonNull(steps, "steps");
        }
    }

    record JobListItem(String job_id, String workspace, String task_name, String mode, String status,
            String source_type, String source_id, String revision, Instant created_at, Instant started_at,
            Instant completed_at) {
        JobListItem {
            Objects.requireNonNull(job_id, "job_id");
            Objects.requireNonNull(created_at, "created_at");
        }
    }

    record JobPage(List<JobListItem> items, long total) {}

    record Logs(String logs) {
        Logs {
            Objects.requireNonNull(logs, "logs");
        }
    }

    private <T> T get(String path, Class<T> type) throws Exception {
        var answer = api.get(path);
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        return STRICT.readValue(answer.body(), type);
    }

    @Test
    void aClientOfTheDocumentedShapesListsRunsAndFollowsATask() throws Exception {
        var tasks = List.of(get("/api/tasks", TaskListItem[].class));
        var hello = tasks.stream().filter(t -> t.id().equals("hello-world")).findFirst().orElseThrow();
        assertThat(hello.workspace()).isEqualTo("default");

        var created = api.post("/api/workspaces/" + hello.workspace() + "/tasks/" + hello.id() + "/execute",
                Map.of("input", Map.of("name", "Typed")));
        String jobId = STRICT.readValue(created.body(), ExecuteTaskResponse.class).job_id();
        var pending = get("/api/jobs/" + jobId, JobDetail.class);
        assertThat(pending.steps()).extracting(JobStep::step_name).containsExactly("say-hello", "shout-it");

        var config = new WorkerConfig(server.url(), TestServer.WORKER_TOKEN, "typed-client-worker", 2, 1L, 1L,
                List.of("script"), List.of(), dir.resolve("work").toString(), dir.resolve("spool").toString(), 30L, 1L);
        var real = new Worker(config, new WorkerApiClient(server.url(), TestServer.WORKER_TOKEN, Duration.ofSeconds(30)),
                WorkerOptions.defaults());
        real.start();
        try {
            eventually().until(() -> get("/api/jobs/" + jobId, JobDetail.class).status().equals("completed"));
        } finally {
            real.shutdown();
        }

        var done = get("/api/jobs/" + jobId, JobDetail.class);
        assertThat(done.steps()).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo("completed");
            assertThat(s.started_at()).isNotNull();
            assertThat(s.completed_at()).isAfterOrEqualTo(s.started_at());
        });
        assertThat(done.steps().get(0).output()).containsEntry("greeting", "Hello Typed");
        assertThat(done.steps().get(1).input()).containsEntry("message", "Hello Typed");
        assertThat(done.worker_id()).isNotNull();
        var page = get("/api/jobs?workspace=default&task_name=hello-world", JobPage.class);
        assertThat(page.items()).extracting(JobListItem::job_id).containsExactly(jobId);
        String all = get("/api/jobs/" + jobId + "/logs", Logs.class).logs();
        assertThat(all).contains("HELLO TYPED");
        for (var step : done.steps()) {
            assertThat(get("/api/jobs/" + jobId + "/steps/" + step.step_name() + "/logs", Logs.class).logs())
                    .contains("\"step\":\"" + step.step_name() + "\"");
        }
    }
}
