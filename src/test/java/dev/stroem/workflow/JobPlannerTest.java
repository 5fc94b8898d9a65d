package dev.stroem.workflow;

import static dev.stroem.workflow.WorkflowFixture.GREET_ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobPlannerTest {

    @TempDir
    Path dir;

    private final JobPlanner planner = new JobPlanner();
    private Workspace workspace;

    @BeforeEach
    void loadWorkspace() {
        workspace = new WorkflowFixture(dir).file("w.yaml", """
                actions:
                  greet:
                    type: script
                    script: |
                      echo "{{ input.greeting }}, {{ input.name }}!"
                      echo 'OUTPUT: {"greeting": "{{ input.greeting }}, {{ input.name }}"}'
                    env:
                      WHO: "{{ input.name }}"
                      LEVEL: "{{ input.level }}"
                    input:
                      name: { type: string, required: true }
                      greeting: { type: string, default: Hello }
                      level: { type: integer, default: 1 }
                  notify:
                    type: script
                    script: echo "{{ input.text }}"
                    input:
                      text: { type: string }
                      channel: { type: string, default: ops }
                tasks:
                  hello:
                    input:
                      name: { type: string, default: World }
                      count: { type: integer }
                      ratio: { type: number }
                      dry_run: { type: boolean, default: false }
                      token: { type: string, required: true }
                    flow:
                      say-hello:
                        action: greet
                        input:
                          name: "{{ input.name }}"
                      shout-it:
                        depends_on: [say-hello]
                        type: script
                        input:
                          message: "{{ say_hello.output.greeting }}"
                          raw: "{{ say_hello.output }}"
                        script: |
                          echo "{{ input.message }}" | tr a-z A-Z
                          echo '{{ input.raw }}'
                    on_error:
                      - action: notify
                        input:
                          text: "{{ hook.task_name }} {{ hook.status }} after {{ hook.duration_secs }}s: {{ hook.error_message }}"
                          failed: "{% for s in hook.failed_steps %}{{ s.step_name }}/{{ s.action_name }}/{{ s.continue_on_failure }} {% endfor %}"
                          when: "{{ hook.started_at }} {{ hook.completed_at }} {{ hook.job_id }} {{ hook.workspace }} {{ hook.is_success }}"
                """).load();
        assertThat(workspace.errors()).isEmpty();
    }

    private Task hello() {
        return workspace.tasks().get("hello");
    }

    @Test
    void resolveTaskInputAppliesDefaultsAndKeepsUnknownKeys() {
        Map<String, Object> input = planner.resolveTaskInput(hello(), Map.of("token", "t", "extra", List.of(1)));

        assertThat(input).containsExactlyInAnyOrderEntriesOf(
                Map.of("token", "t", "extra", List.of(1), "name", "World", "dry_run", false));
    }

    @Test
    void givenValuesWinOverDefaultsAndNullCountsAsAbsent() {
        var given = new HashMap<String, Object>();
        given.put("token", "t");
        given.put("name", "Ada");
        given.put("dry_run", null);

        assertThat(planner.resolveTaskInput(hello(), given)).containsEntry("name", "Ada").containsEntry("dry_run", false);
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        assertThatThrownBy(() -> planner.resolveTaskInput(hello(), Map.of()))
                .isInstanceOf(InputException.class)
                .hasMessage("input.token: required")
                .satisfies(e -> assertThat(((InputException) e).fields()).containsExactly("token"));
        assertThatThrownBy(() -> planner.resolveTaskInput(hello(), null)).hasMessage("input.token: required");
    }

    @Test
    void integerNumberAndBooleanAreTypeChecked() {
        assertThatThrownBy(() -> planner.resolveTaskInput(hello(), Map.of("token", "t", "count", "many", "ratio", true, "dry_run", "maybe")))
                .isInstanceOf(InputException.class)
                .hasMessage("input.count: expected an integer, got \"many\"; input.ratio: expected a number, got true;"
                        + " input.dry_run: expected true or false, got \"maybe\"")
                .satisfies(e -> assertThat(((InputException) e).fields()).containsExactly("count", "ratio", "dry_run"));
        assertThatThrownBy(() -> planner.resolveTaskInput(hello(), Map.of("token", "t", "count", 1.5)))
                .hasMessage("input.count: expected an integer, got 1.5");
    }

    @Test
    void textFormsOfNumbersAndBooleansAreConverted() {
        Map<String, Object> input = planner.resolveTaskInput(hello(), Map.of("token", "t", "count", "42", "ratio", "0.5", "dry_run", "TRUE"));

        assertThat(input).containsEntry("count", 42L).containsEntry("ratio", 0.5).containsEntry("dry_run", true);
        assertThat(planner.resolveTaskInput(hello(), Map.of("token", "t", "count", 7, "ratio", 2)))
                .containsEntry("count", 7).containsEntry("ratio", 2);
    }

    @Test
    void renderStepSeesTheJobInputAndAppliesTheActionsDefaults() {
        Map<String, Object> jobInput = planner.resolveTaskInput(hello(), Map.of("token", "t", "name", "Ada"));

        RenderedAction step = planner.renderStep(workspace, hello(), "say-hello", jobInput, Map.of());

        assertThat(step.actionName()).isEqualTo("greet");
        assertThat(step.input()).containsExactly(Map.entry("name", "Ada"), Map.entry("greeting", "Hello"), Map.entry("level", 1));
        assertThat(step.script()).isEqualTo("echo \"Hello, Ada!\"\necho 'OUTPUT: {\"greeting\": \"Hello, Ada\"}'\n");
        assertThat(step.env()).containsExactly(Map.entry("WHO", "Ada"), Map.entry("LEVEL", "1"));
    }

    @Test
    void actionFieldsTheStepLeavesOutComeFromTheJobInputAsInTheOriginal() {
        Task task = new WorkflowFixture(dir.resolve("other")).file("w.yaml", GREET_ACTION.replace("echo hello", "echo {{ input.name }}") + """
                    input:
                      name: { type: string }
                tasks:
                  t:
                    flow:
                      s: { action: greet }
                """).load().tasks().get("t");

        RenderedAction step = planner.renderStep(workspace, task, "s", Map.of("name", "from-job"), Map.of());

        assertThat(step.script()).isEqualTo("echo from-job");
    }

    @Test
    void laterStepsSeeEarlierOutputsWithDashesAsUnderscores() {
        var output = new java.util.LinkedHashMap<String, Object>();
        output.put("greeting", "Hello, Ada");
        output.put("n", 2);
        Map<String, Object> outputs = Map.of("say-hello", output);

        RenderedAction step = planner.renderStep(workspace, hello(), "shout-it", Map.of("name", "Ada"), outputs);

        assertThat(step.actionName()).isEqualTo("_inline:hello:shout-it");
        assertThat(step.input()).containsEntry("message", "Hello, Ada")
                .containsEntry("raw", Map.of("greeting", "Hello, Ada", "n", 2));
        assertThat(step.script()).isEqualTo("echo \"Hello, Ada\" | tr a-z A-Z\necho '{\"greeting\":\"Hello, Ada\",\"n\":2}'\n");
    }

    @Test
    void aMissingUpstreamOutputIsARenderErrorNamingStepAndVariable() {
        var outputs = new HashMap<String, Object>();
        outputs.put("say-hello", null); // finished without an OUTPUT line

        assertThatThrownBy(() -> planner.renderStep(workspace, hello(), "shout-it", Map.of(), outputs))
                .isInstanceOf(TemplateException.class)
                .hasMessage("Template step 'shout-it' input 'message': undefined variable 'say_hello.output' (line 1)");
    }

    @Test
    void anUnknownStepIsAnIllegalArgument() {
        assertThatThrownBy(() -> planner.renderStep(workspace, hello(), "nope", Map.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task 'hello' in workspace 'ws' has no step 'nope'");
    }

    @Test
    void hooksRenderWithTheHookContext() {
        Hook hook = hello().hooks().onError().get(0);
        var context = new HookContext("ws", "hello", "job-1", "failed", "step say-hello: exit code 1",
                Instant.parse("2026-01-02T03:04:05Z"), Instant.parse("2026-01-02T03:04:07.500Z"),
                List.of(new HookContext.FailedStep("say-hello", "greet", "exit code 1", false)));

        RenderedAction rendered = planner.renderHook(workspace, hook, context);

        assertThat(rendered.actionName()).isEqualTo("notify");
        assertThat(rendered.input()).containsEntry("text", "hello failed after 2.5s: step say-hello: exit code 1")
                .containsEntry("failed", "say-hello/greet/false ")
                .containsEntry("when", "2026-01-02T03:04:05Z 2026-01-02T03:04:07.500Z job-1 ws false")
                .containsEntry("channel", "ops");
        assertThat(rendered.script()).isEqualTo("echo \"hello failed after 2.5s: step say-hello: exit code 1\"");
    }

    @Test
    void aHookContextWithoutTimesOrErrorRendersEmptyValues() {
        Hook hook = hello().hooks().onError().get(0);
        var context = new HookContext("ws", "hello", "job-2", "cancelled", null, null, null, List.of());

        RenderedAction rendered = planner.renderHook(workspace, hook, context);

        assertThat(rendered.input()).containsEntry("text", "hello cancelled after s: ").containsEntry("failed", "");
    }
}
