package dev.stroem.jobs;

import static dev.stroem.jobs.ConditionsContract.steps;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code for_each} loops end to end on a real server and worker: fan-out over a step's output
 * and fan-in of the instances' outputs, {@code each.item}/{@code each.index} in input and script
 * templates, each instance's log lines under its own step name, sequential loops stopping at a
 * failure, and the documented edge cases. Run against each supported database.
 */
abstract class LoopsContract extends ServerWithWorkerContract {

    static final String WORKFLOW = """
            actions:
              get-items:
                type: script
                script: |
                  echo 'OUTPUT: {"items": ["a", "b", "c"]}'
              process-item:
                type: script
                input:
                  item: { type: string }
                  index: { type: string }
                script: |
                  echo "Processing {{ input.item }} at {{ input.index }}"
                  echo 'OUTPUT: {"result": "done-{{ input.item }}"}'
            tasks:
              fan-out:
                flow:
                  fetch:
                    action: get-items
                  process:
                    action: process-item
                    depends_on: [fetch]
                    for_each: "{{ fetch.output.items }}"
                    input:
                      item: "{{ each.item }}"
                      index: "{{ each.index }}"
                  aggregate:
                    type: script
                    depends_on: [process]
                    script: echo 'results={{ process.output }}'
              sequential:
                input:
                  fail_on: { type: string, default: "" }
                flow:
                  migrate:
                    type: script
                    for_each: ["s1", "s2", "s3"]
                    sequential: true
                    input:
                      fail_on: "{{ input.fail_on }}"
                    script: |
                      echo "start {{ each.item }} ({{ each.index }})"
                      sleep 0.2
                      {% if each.item == input.fail_on %}exit 1{% endif %}
                      echo "end {{ each.item }}"
              tolerant:
                flow:
                  work:
                    type: script
                    for_each: [1, 2, 3]
                    continue_on_failure: true
                    script: |
                      {% if each.item == 2 %}exit 4{% endif %}
                      echo 'OUTPUT: {"n": {{ each.item }}}'
                  summary:
                    type: script
                    depends_on: [work]
                    script: echo 'all={{ work.output }}'
              strict:
                flow:
                  work:
                    type: script
                    for_each: [1, 2, 3]
                    script: |
                      {% if each.item != 1 %}exit 4{% endif %}
                      echo ok
                  after:
                    type: script
                    depends_on: [work]
                    script: echo never
              edge-cases:
                input:
                  go: { type: boolean, default: false }
                flow:
                  empty:
                    type: script
                    for_each: []
                    script: echo never
                  not-a-list:
                    type: script
                    for_each: "{{ input.go }}"
                    script: echo never
                  gated:
                    type: script
                    for_each: [1, 2]
                    when: "{{ input.go }}"
                    script: echo never
            """;

    @Override
    String workflowFile() {
        return "loops.yaml";
    }

    @Override
    String workflow() {
        return WORKFLOW;
    }

    @Test
    void fanOutOverAStepsOutputAndFanInOfTheInstancesOutputs() {
        String jobId = server.execute("fan-out", Map.of());

        var job = server.awaitStatus(jobId, "completed");

        var steps = steps(job);
        assertThat(steps.keySet()).containsExactly("fetch", "process", "process[0]", "process[1]", "process[2]",
                "aggregate");
        var process = steps.get("process");
        assertThat(process.path("status").asText()).isEqualTo("completed");
        assertThat(process.path("for_each_expr").asText()).isEqualTo("{{ fetch.output.items }}");
        assertThat(process.path("output").toString())
                .isEqualTo("[{\"result\":\"done-a\"},{\"result\":\"done-b\"},{\"result\":\"done-c\"}]");
        for (int i = 0; i < 3; i++) {
            var instance = steps.get("process[" + i + "]");
            assertThat(instance.path("status").asText()).isEqualTo("completed");
            assertThat(instance.path("loop_source").asText()).isEqualTo("process");
            assertThat(instance.path("loop_index").asInt()).isEqualTo(i);
            assertThat(instance.path("loop_total").asInt()).isEqualTo(3);
            assertThat(instance.path("input").path("item").asText()).isEqualTo(List.of("a", "b", "c").get(i));
        }
        // Each iteration's lines carry the iteration's step name, in the job log and per step.
        assertThat(server.logLines(jobId, null)).filteredOn(l -> l.path("line").asText().startsWith("Processing"))
                .extracting(l -> l.path("step").asText() + ": " + l.path("line").asText())
                .containsExactlyInAnyOrder("process[0]: Processing a at 0", "process[1]: Processing b at 1",
                        "process[2]: Processing c at 2");
        assertThat(lines(jobId, "process[1]")).containsExactly("Processing b at 1",
                "OUTPUT: {\"result\": \"done-b\"}");
        assertThat(lines(jobId, "aggregate")).containsExactly(
                "results=[{\"result\":\"done-a\"},{\"result\":\"done-b\"},{\"result\":\"done-c\"}]");
    }

    @Test
    void aSequentialLoopRunsItsInstancesOneAfterTheOther() {
        String jobId = server.execute("sequential", Map.of());

        var job = server.awaitStatus(jobId, "completed");

        var steps = steps(job);
        for (int i = 1; i < 3; i++) {
            Instant previousEnd = Instant.parse(steps.get("migrate[" + (i - 1) + "]").path("completed_at").asText());
            Instant start = Instant.parse(steps.get("migrate[" + i + "]").path("started_at").asText());
            assertThat(start).as("migrate[%d] starts after migrate[%d] ended", i, i - 1).isAfterOrEqualTo(previousEnd);
        }
        assertThat(server.logLines(jobId, null)).filteredOn(l -> !"_server".equals(l.path("step").asText()))
                .extracting(l -> l.path("step").asText() + ": " + l.path("line").asText())
                .containsExactly("migrate[0]: start s1 (0)", "migrate[0]: end s1", "migrate[1]: start s2 (1)",
                        "migrate[1]: end s2", "migrate[2]: start s3 (2)", "migrate[2]: end s3");
    }

    @Test
    void aSequentialLoopStopsAtAFailure() {
        String jobId = server.execute("sequential", Map.of("fail_on", "s2"));

        var job = server.awaitStatus(jobId, "failed");

        var steps = steps(job);
        assertThat(steps.get("migrate[0]").path("status").asText()).isEqualTo("completed");
        assertThat(steps.get("migrate[1]").path("status").asText()).isEqualTo("failed");
        assertThat(steps.get("migrate[2]").path("status").asText()).isEqualTo("skipped");
        assertThat(steps.get("migrate[2]").path("started_at").isNull()).isTrue();
        assertThat(steps.get("migrate").path("status").asText()).isEqualTo("failed");
        assertThat(steps.get("migrate").path("error_message").asText()).isEqualTo("for_each loop failed: instances [1] failed");
        assertThat(lines(jobId, "migrate[2]")).isEmpty();
    }

    @Test
    void withContinueOnFailureAFailedInstanceContributesNullAndTheLoopCompletes() {
        String jobId = server.execute("tolerant", Map.of());

        var job = server.awaitStatus(jobId, "completed");

        var steps = steps(job);
        assertThat(steps.get("work[1]").path("status").asText()).isEqualTo("failed");
        assertThat(steps.get("work").path("status").asText()).isEqualTo("completed");
        assertThat(steps.get("work").path("output").toString()).isEqualTo("[{\"n\":1},null,{\"n\":3}]");
        assertThat(lines(jobId, "summary")).containsExactly("all=[{\"n\":1},null,{\"n\":3}]");
    }

    @Test
    void withoutItTheLoopFailsOnceEveryInstanceEnded() {
        String jobId = server.execute("strict", Map.of());

        var job = server.awaitStatus(jobId, "failed");

        var steps = steps(job);
        assertThat(steps.get("work[0]").path("status").asText()).isEqualTo("completed");
        assertThat(steps.get("work[1]").path("status").asText()).isEqualTo("failed");
        assertThat(steps.get("work[2]").path("status").asText()).isEqualTo("failed");
        assertThat(steps.get("work").path("error_message").asText()).isEqualTo("for_each loop failed: instances [1, 2] failed");
        assertThat(steps.get("after").path("status").asText()).isEqualTo("skipped");
        assertThat(job.path("error_message").asText()).contains("for_each loop failed");
    }

    @Test
    void emptyListsSkipNonListsFailAndAFalseConditionSkipsBeforeExpanding() {
        String jobId = server.execute("edge-cases", Map.of());

        var job = server.awaitStatus(jobId, "failed");

        var steps = steps(job);
        assertThat(steps.keySet()).containsExactly("empty", "not-a-list", "gated");
        assertThat(steps.get("empty").path("status").asText()).isEqualTo("skipped");
        assertThat(steps.get("not-a-list").path("status").asText()).isEqualTo("failed");
        assertThat(steps.get("not-a-list").path("error_message").asText())
                .isEqualTo("for_each expression error: it rendered 'false', which is not a JSON array");
        assertThat(steps.get("gated").path("status").asText()).isEqualTo("skipped");
        assertThat(steps.get("gated").path("skip_reason").asText()).isEqualTo("condition");
        // Nothing ran; the job's log holds only what the orchestrator decided.
        assertThat(server.serverEvents(jobId)).containsExactlyInAnyOrder(
                "[orchestrator] Step 'empty': for_each gave no items: the step is skipped",
                "[orchestrator] Step 'gated': when condition {{ input.go }} is false: the step is skipped");
        assertThat(server.logLines(jobId, null)).allSatisfy(l -> assertThat(l.path("step").asText()).isEqualTo("_server"));
    }

    List<String> lines(String jobId, String step) {
        return server.logLines(jobId, step).stream().map(l -> l.path("line").asText()).toList();
    }

    static String status(JsonNode job, String step) {
        return steps(job).get(step).path("status").asText();
    }
}
