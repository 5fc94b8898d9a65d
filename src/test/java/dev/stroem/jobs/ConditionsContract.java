package dev.stroem.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code when} conditions end to end on a real server and worker: branches taken and not taken,
 * convergence, the cascade of a branch not taken, conditions on step outputs and conditions that
 * cannot render. Run against each supported database.
 */
abstract class ConditionsContract extends ServerWithWorkerContract {

    static final String WORKFLOW = """
            actions:
              say:
                type: script
                input:
                  text: { type: string, default: "" }
                script: echo "{{ input.text }}"
            tasks:
              if-else:
                input:
                  mode: { type: string, default: fast }
                flow:
                  fast-path:
                    action: say
                    input: { text: "fast for {{ input.mode }}" }
                    when: "{{ input.mode == 'fast' }}"
                  slow-path:
                    action: say
                    input: { text: "slow for {{ input.mode }}" }
                    when: "{{ input.mode == 'slow' }}"
                  merge:
                    action: say
                    input: { text: merged }
                    depends_on: [fast-path, slow-path]
              root-condition:
                input:
                  skip_setup: { type: boolean, default: false }
                flow:
                  setup:
                    action: say
                    input: { text: setting up }
                    when: "{{ not input.skip_setup }}"
                  main:
                    action: say
                    input: { text: main }
                    depends_on: [setup]
                  independent:
                    action: say
                    input: { text: independent }
              on-output:
                flow:
                  count-data:
                    type: script
                    script: |
                      echo 'OUTPUT: {"count": 1200}'
                  big:
                    action: say
                    input: { text: "big: {{ count_data.output.count }}" }
                    depends_on: [count-data]
                    when: "{{ count_data.output.count >= 1000 }}"
                  huge:
                    action: say
                    input: { text: huge }
                    depends_on: [count-data]
                    when: "{{ count_data.output.count >= 1000000 }}"
                  graceful:
                    action: say
                    depends_on: [count-data]
                    when: "{{ count_data.output.status | default(value='') }}"
              broken-condition:
                flow:
                  check:
                    action: say
                    input: { text: checked }
                  proceed:
                    action: say
                    depends_on: [check]
                    when: "{{ check.output.status }}"
                  after:
                    action: say
                    depends_on: [proceed]
            """;

    @Override
    String workflowFile() {
        return "flow.yaml";
    }

    @Override
    String workflow() {
        return WORKFLOW;
    }

    @Test
    void ifElse_theBranchNotTakenIsSkippedAndTheMergeRuns() {
        String jobId = server.execute("if-else", Map.of("mode", "slow"));

        var job = server.awaitStatus(jobId, "completed");

        var steps = steps(job);
        assertThat(steps.get("fast-path").path("status").asText()).isEqualTo("skipped");
        assertThat(steps.get("fast-path").path("error_message").isNull()).isTrue();
        assertThat(steps.get("fast-path").path("started_at").isNull()).isTrue();
        assertThat(steps.get("slow-path").path("status").asText()).isEqualTo("completed");
        assertThat(steps.get("merge").path("status").asText()).isEqualTo("completed");
        assertThat(lines(jobId, "slow-path")).containsExactly("slow for slow");
        assertThat(lines(jobId, "fast-path")).isEmpty();
        assertThat(lines(jobId, "merge")).containsExactly("merged");
    }

    @Test
    void aFalseRootConditionSkipsItsBranchAndTheRestOfTheJobRuns() {
        String jobId = server.execute("root-condition", Map.of("skip_setup", true));

        var job = server.awaitStatus(jobId, "completed");

        var steps = steps(job);
        assertThat(steps.get("setup").path("status").asText()).isEqualTo("skipped");
        assertThat(steps.get("main").path("status").asText()).isEqualTo("skipped");
        assertThat(steps.get("main").path("error_message").isNull()).isTrue();
        assertThat(steps.get("independent").path("status").asText()).isEqualTo("completed");
        assertThat(server.logLines(jobId, null)).extracting(l -> l.path("step").asText())
                .containsOnly("independent", "_server");
        assertThat(server.serverEvents(jobId)).containsExactly(
                "[orchestrator] Step 'setup': when condition {{ not input.skip_setup }} is false: the step is skipped");
    }

    @Test
    void aTrueRootConditionRunsTheWholeChain() {
        String jobId = server.execute("root-condition", Map.of());

        var job = server.awaitStatus(jobId, "completed");

        assertThat(steps(job).values()).extracting(s -> s.path("status").asText()).containsOnly("completed");
        assertThat(lines(jobId, "setup")).containsExactly("setting up");
    }

    @Test
    void conditionsOnAStepsOutput() {
        String jobId = server.execute("on-output", Map.of());

        var job = server.awaitStatus(jobId, "completed");

        var steps = steps(job);
        assertThat(steps.get("big").path("status").asText()).isEqualTo("completed");
        assertThat(lines(jobId, "big")).containsExactly("big: 1200");
        assertThat(steps.get("huge").path("status").asText()).isEqualTo("skipped");
        assertThat(steps.get("graceful").path("status").asText()).isEqualTo("skipped");
    }

    @Test
    void aConditionThatCannotRenderFailsItsStepAndTheJob() {
        String jobId = server.execute("broken-condition", Map.of());

        var job = server.awaitStatus(jobId, "failed");

        var steps = steps(job);
        assertThat(steps.get("check").path("status").asText()).isEqualTo("completed");
        assertThat(steps.get("proceed").path("status").asText()).isEqualTo("failed");
        assertThat(steps.get("proceed").path("error_message").asText())
                .startsWith("when condition error: ")
                .contains("undefined variable 'check.output'");
        assertThat(steps.get("after").path("status").asText()).isEqualTo("skipped");
        assertThat(job.path("error_message").asText()).startsWith("Step 'proceed' failed: when condition error: ");
    }

    static Map<String, JsonNode> steps(JsonNode job) {
        var out = new LinkedHashMap<String, JsonNode>();
        job.path("steps").forEach(s -> out.put(s.path("step_name").asText(), s));
        return out;
    }

    List<String> lines(String jobId, String step) {
        return server.logLines(jobId, step).stream().map(l -> l.path("line").asText()).toList();
    }
}
