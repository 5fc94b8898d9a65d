package dev.stroem.jobs;

import static dev.stroem.jobs.ServerFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hooks and server events end to end on a real server and worker: the {@code hook.*} context a
 * hook job receives, {@code [orchestrator]} events of steps that cannot start, and cancellations
 * that say who cancelled.
 */
class JobEventsIT {

    static final String WORKFLOW = """
            actions:
              print-context:
                type: script
                input:
                  workspace: { type: string }
                  task_name: { type: string }
                  job_id: { type: string }
                  status: { type: string }
                  is_success: { type: string }
                  error_message: { type: string }
                  started_at: { type: string }
                  completed_at: { type: string }
                  duration_secs: { type: string }
                  failed_steps: { type: string }
                  source: { type: string }
                script: |
                  echo "workspace={{ input.workspace }}"
                  echo "task_name={{ input.task_name }}"
                  echo "job_id={{ input.job_id }}"
                  echo "status={{ input.status }}"
                  echo "is_success={{ input.is_success }}"
                  echo "error_message={{ input.error_message }}"
                  echo "started_at={{ input.started_at }}"
                  echo "completed_at={{ input.completed_at }}"
                  echo "duration_secs={{ input.duration_secs }}"
                  echo "failed_steps={{ input.failed_steps }}"
                  echo "source={{ input.source }}"

              always-fails:
                type: script
                script: exit 3

            tasks:
              hook-fails-later:
                flow:
                  fine:
                    type: script
                    script: echo fine
                on_success:
                  - action: always-fails
              two-failures:
                flow:
                  first:
                    type: script
                    script: exit 1
                  second:
                    type: script
                    script: exit 2
                    continue_on_failure: true
                on_error:
                  - action: print-context
                    input:
                      workspace: "{{ hook.workspace }}"
                      task_name: "{{ hook.task_name }}"
                      job_id: "{{ hook.job_id }}"
                      status: "{{ hook.status }}"
                      is_success: "{{ hook.is_success }}"
                      error_message: "{{ hook.error_message }}"
                      started_at: "{{ hook.started_at }}"
                      completed_at: "{{ hook.completed_at }}"
                      duration_secs: "{{ hook.duration_secs }}"
                      failed_steps: "{% for s in hook.failed_steps %}{{ s.step_name }}/{{ s.action_name }}/{{ s.continue_on_failure }} {% endfor %}"
                      source: "{{ hook.source_type }}/{{ hook.source_id | default(value='') }}"
              uses-missing-output:
                flow:
                  produce:
                    type: script
                    script: echo "no output here"
                  consume:
                    type: script
                    script: echo "{{ produce.output.version }}"
                    depends_on: [produce]
              waits:
                flow:
                  train:
                    type: script
                    script: echo train
                    tags: [gpu]
            """;

    @TempDir
    Path dir;

    private ServerFixture server;

    @BeforeEach
    void setUp() {
        server = new ServerFixture(dir).workflow("jobs.yaml", WORKFLOW).start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void hookJobGetsTheHookContextOfTheJobThatEnded() {
        server.startWorker("w1");
        String jobId = server.execute("two-failures", Map.of());
        var job = server.awaitStatus(jobId, "failed");
        var hook = server.awaitJob(jobId, j -> j.path("hook_jobs").size() == 1
                && "completed".equals(j.path("hook_jobs").get(0).path("status").asText())).path("hook_jobs").get(0);

        assertThat(hook.path("source_type").asText()).isEqualTo("hook");
        assertThat(hook.path("source_id").asText()).isEqualTo(jobId);
        assertThat(hook.path("hook_name").asText()).isEqualTo("on_error[0]");
        var printed = server.logLines(hook.path("job_id").asText(), null).stream()
                .map(l -> l.path("line").asText()).toList();
        assertThat(printed).contains(
                "workspace=default",
                "task_name=two-failures",
                "job_id=" + jobId,
                "status=failed",
                "is_success=false",
                "error_message=Step 'first' failed: Exit code: 1; Step 'second' failed: Exit code: 2",
                "started_at=" + job.path("started_at").asText(),
                "completed_at=" + job.path("completed_at").asText(),
                "failed_steps=first/_inline:two-failures:first/false second/_inline:two-failures:second/true ",
                "source=" + job.path("source_type").asText() + "/" + job.path("source_id").asText(""));
        String duration = printed.stream().filter(l -> l.startsWith("duration_secs=")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(duration.substring("duration_secs=".length())))
                .isEqualTo(job.path("duration_secs").asDouble());
        assertThat(server.serverEvents(jobId)).isEmpty();
    }

    @Test
    void stepWhoseTemplateFailsToRender_failsWithAnOrchestratorEvent() {
        server.startWorker("w1");
        String jobId = server.execute("uses-missing-output", Map.of());

        var job = server.awaitStatus(jobId, "failed");

        var consume = job.path("steps").get(1);
        assertThat(consume.path("status").asText()).isEqualTo("failed");
        assertThat(consume.path("error_message").asText()).startsWith("Step 'consume' could not start: ");
        assertThat(server.serverEvents(jobId)).singleElement().satisfies(e -> assertThat(e)
                .startsWith("[orchestrator] Step 'consume' could not start: ").contains("undefined variable 'produce.output'"));
    }

    @Test
    void aReloadDoesNotChangeTheStepsOfAJobThatRuns() {
        String pinned = """
                tasks:
                  pinned:
                    flow:
                      first:
                        type: script
                        script: echo first
                      second:
                        type: script
                        script: echo version-one
                        depends_on: [first]
                """;
        server.workflow("pinning.yaml", pinned);
        eventually().untilAsserted(() -> assertThat(
                server.get("/api/workspaces/default/tasks/pinned").path("flow").has("second")).isTrue());
        String workerId = server.worker("/worker/register", Map.of("name", "w1")).path("worker_id").asText();
        String jobId = server.execute("pinned", Map.of());
        assertThat(server.worker("/worker/jobs/claim", Map.of("worker_id", workerId)).path("step_name").asText())
                .isEqualTo("first");
        // The workflow changes while the job runs: step 'second' is gone from the task.
        server.workflow("pinning.yaml", pinned.substring(0, pinned.indexOf("      second:")));
        eventually().untilAsserted(() -> assertThat(
                server.get("/api/workspaces/default/tasks/pinned").path("flow").has("second")).isFalse());
        server.worker("/worker/jobs/" + jobId + "/steps/first/start", Map.of("worker_id", workerId));
        server.worker("/worker/jobs/" + jobId + "/steps/first/complete", Map.of("exit_code", 0));

        var claim = server.worker("/worker/jobs/claim", Map.of("worker_id", workerId));

        // The job runs the revision it was created at: its second step is still there, as it was.
        assertThat(claim.path("job_id").asText()).isEqualTo(jobId);
        assertThat(claim.path("step_name").asText()).isEqualTo("second");
        assertThat(claim.path("action_spec").path("script").asText()).isEqualTo("echo version-one");
        assertThat(claim.path("revision").asText()).isEqualTo(server.job(jobId).path("revision").asText());
        assertThat(server.serverEvents(jobId)).isEmpty();
    }

    @Test
    void cancellationSaysWhoCancelled() {
        String jobId = server.execute("waits", Map.of());

        assertThat(server.post("/api/jobs/" + jobId + "/cancel", null).path("status").asText()).isEqualTo("cancelled");

        var job = server.job(jobId);
        assertThat(job.path("status").asText()).isEqualTo("cancelled");
        assertThat(job.path("cancelled_by").asText()).isEqualTo("api");
        assertThat(job.path("steps").get(0).path("status").asText()).isEqualTo("cancelled");
        assertThat(server.serverEvents(jobId)).containsExactly("[orchestrator] Job cancelled by api");
        var again = server.send("POST", "/api/jobs/" + jobId + "/cancel", null, null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(server.serverEvents(jobId)).hasSize(1);
    }

    @Test
    void liveViewerReceivesAHookFailureReportedAfterTheJobEnded_beforeTheStreamCloses() throws Exception {
        String jobId = server.execute("hook-fails-later", Map.of());
        var frames = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var closed = new java.util.concurrent.CompletableFuture<Integer>();
        java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create(server.url().replace("http:", "ws:") + "/api/jobs/" + jobId + "/logs/stream"),
                        new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data,
                                    boolean last) {
                                frames.add(data.toString());
                                ws.request(1);
                                return null;
                            }

                            @Override
                            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code,
                                    String reason) {
                                closed.complete(code);
                                return null;
                            }
                        })
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        server.startWorker("w1");

        assertThat(closed.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(server.job(jobId).path("status").asText()).isEqualTo("completed");
        assertThat(String.join("", frames))
                .contains("\"line\":\"fine\"")
                .contains("[hooks] Hook 'always-fails' failed: Exit code: 3");
    }
}
