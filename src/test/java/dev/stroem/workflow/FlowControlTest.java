package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlowControlTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "false", "False", "FALSE", "0", "null", "NULL", "none", "None", " false\n"})
    void theOriginalsFalsyValuesAreFalse(String rendered) {
        assertThat(FlowControl.truthy(rendered)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "1", "yes", "no", "00", "-1", "[]", "anything"})
    void everythingElseIsTrue(String rendered) {
        assertThat(FlowControl.truthy(rendered)).isTrue();
    }

    @Test
    void aConditionRendersWithInputAndStepOutputs() {
        var planner = new JobPlanner();
        var outputs = java.util.Map.<String, Object>of("count-data", java.util.Map.of("count", 1200));

        assertThat(planner.condition("{{ count_data.output.count >= 1000 }}", java.util.Map.of(), outputs, "w")).isTrue();
        assertThat(planner.condition("{{ not input.skip }}", java.util.Map.of("skip", true), outputs, "w")).isFalse();
        assertThat(planner.condition("{{ input.mode == 'fast' }}", java.util.Map.of("mode", "fast"), outputs, "w")).isTrue();
        assertThat(planner.condition("{{ count_data.output.status | default(value='') }}", java.util.Map.of(), outputs, "w"))
                .isFalse();
    }

    @Test
    void whenIsLoadedAndItsSyntaxCheckedAtLoad() {
        var ws = new WorkflowFixture(dir).file("a.yaml", WorkflowFixture.GREET_ACTION + """
                tasks:
                  t:
                    flow:
                      maybe: { action: greet, when: "{{ input.go }}" }
                      literal: { action: greet, when: true }
                  broken:
                    flow:
                      bad: { action: greet, when: "{{ input.go " }
                      nested: { action: greet, when: { a: 1 } }
                """);

        var workspace = ws.load();
        var steps = workspace.task("t").orElseThrow().flow();
        assertThat(steps.get("maybe").control().when()).isEqualTo("{{ input.go }}");
        assertThat(steps.get("literal").control().when()).isEqualTo("true");
        assertThat(ws.problems()).hasSize(2);
        assertThat(ws.problems().get(0)).startsWith(".workflows/a.yaml: broken/bad: Template step 'bad' when: syntax error");
        assertThat(ws.problems().get(1)).isEqualTo(
                ".workflows/a.yaml: broken/nested: 'when' must be a text, e.g. \"{{ input.enabled }}\"");
    }
}
