package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code state.*} and {@code global_state.*} in a step's templates, with and without a previous snapshot. */
class TemplateStatesTest {
    @TempDir
    Path dir;

    private final JobPlanner planner = new JobPlanner();
    private Workspace workspace;

    @BeforeEach
    void load() {
        workspace = new WorkflowFixture(dir).file("w.yaml", """
                tasks:
                  renew:
                    flow:
                      renew:
                        type: script
                        input:
                          domain: "{{ state.domain | default(value='example.com') }}"
                        env:
                          REGION: "{{ global_state.region | default(value='none') }}"
                        script: |
                          echo "{{ input.domain }} {{ not state or state.days_remaining < 30 }} {{ state is not defined }}"
                      strict:
                        type: script
                        script: echo "{{ state.domain }}"
                """).load();
        assertThat(workspace.errors()).isEmpty();
    }

    private RenderedAction render(String step, TemplateStates states) {
        var task = workspace.tasks().get("renew");
        return planner.renderStep(workspace, task, step, Map.of(), Map.of(), null, null, workspace, states);
    }

    @Test
    void withoutASnapshotNotStateIsTrueAndDefaultsApply() {
        var action = render("renew", new TemplateStates(null, null));
        assertThat(action.script()).isEqualTo("echo \"example.com true true\"\n");
        assertThat(action.env()).containsEntry("REGION", "none");
        // A bare reference to an absent state is an error naming it, as an undefined variable is.
        assertThatThrownBy(() -> render("strict", new TemplateStates(null, null))).isInstanceOf(TemplateException.class)
                .hasMessageContaining("state");
    }

    @Test
    void theLatestValuesAreSeenInInputEnvAndScript() {
        var action = render("renew", new TemplateStates(Map.of("domain", "stroem.dev", "days_remaining", 90),
                Map.of("region", "eu")));
        assertThat(action.script()).isEqualTo("echo \"stroem.dev false false\"\n");
        assertThat(action.env()).containsEntry("REGION", "eu");
        assertThat(render("strict", new TemplateStates(Map.of("domain", "a.b"), null)).script()).isEqualTo("echo \"a.b\"");
    }

    @Test
    void notFollowsTerasTruthiness() {
        var engine = new TemplateEngine();
        var context = new java.util.HashMap<String, Object>();
        context.put("nothing", null);
        context.put("empty", Map.of());
        context.put("zero", 0);
        context.put("text", "x");
        context.put("list", java.util.List.of(1));
        assertThat(engine.render("{{ not nothing }} {{ not empty }} {{ not zero }} {{ not '' }} {{ not false }}", context, "t"))
                .isEqualTo("true true true true true");
        assertThat(engine.render("{{ not text }} {{ not list }} {{ not true }} {{ not 2 }}", context, "t"))
                .isEqualTo("false false false false");
        assertThatThrownBy(() -> engine.render("{{ not missing }}", context, "t")).isInstanceOf(TemplateException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void aConditionSeesTheState() {
        // The original's own example of a guard.
        String when = "{{ not state or state.days_remaining < 30 }}";
        assertThat(planner.condition(when, Map.of(), Map.of(), Map.of(), new TemplateStates(null, null), "w")).isTrue();
        assertThat(planner.condition(when, Map.of(), Map.of(), Map.of(),
                new TemplateStates(Map.of("days_remaining", 10), null), "w")).isTrue();
        assertThat(planner.condition(when, Map.of(), Map.of(), Map.of(),
                new TemplateStates(Map.of("days_remaining", 90), null), "w")).isFalse();
    }
}
