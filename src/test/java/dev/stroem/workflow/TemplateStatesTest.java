package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code state.*} and {@code global_state.*} in a step's templates, with and without a previous
 * snapshot. (Tera's {@code not state} needs Tera's truthiness of {@code not}, which our Pebble
 * templates do not have yet; {@code state is not defined} is the guard that works.)
 */
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
                          echo "{{ input.domain }} {{ state is not defined or state.days_remaining < 30 }}"
                      strict:
                        type: script
                        script: echo "{{ state.domain }}"
                """).load();
        assertThat(workspace.errors()).isEmpty();
    }

    private RenderedAction render(String step, TemplateStates states) {
        var task = workspace.tasks().get("renew");
        return planner.renderStep(workspace, task, step, Map.of(), Map.of(), null, null, states);
    }

    @Test
    void withoutASnapshotStateIsNotDefinedAndDefaultsApply() {
        var action = render("renew", new TemplateStates(null, null));
        assertThat(action.script()).isEqualTo("echo \"example.com true\"\n");
        assertThat(action.env()).containsEntry("REGION", "none");
        // A bare reference to an absent state is an error naming it, as an undefined variable is.
        assertThatThrownBy(() -> render("strict", new TemplateStates(null, null))).isInstanceOf(TemplateException.class)
                .hasMessageContaining("state");
    }

    @Test
    void theLatestValuesAreSeenInInputEnvAndScript() {
        var action = render("renew", new TemplateStates(Map.of("domain", "stroem.dev", "days_remaining", 90),
                Map.of("region", "eu")));
        assertThat(action.script()).isEqualTo("echo \"stroem.dev false\"\n");
        assertThat(action.env()).containsEntry("REGION", "eu");
        assertThat(render("strict", new TemplateStates(Map.of("domain", "a.b"), null)).script()).isEqualTo("echo \"a.b\"");
    }

    @Test
    void aConditionSeesTheState() {
        String when = "{{ state is not defined or state.days_remaining < 30 }}";
        assertThat(planner.condition(when, Map.of(), Map.of(), Map.of(), new TemplateStates(null, null), "w")).isTrue();
        assertThat(planner.condition(when, Map.of(), Map.of(), Map.of(),
                new TemplateStates(Map.of("days_remaining", 10), null), "w")).isTrue();
        assertThat(planner.condition(when, Map.of(), Map.of(), Map.of(),
                new TemplateStates(Map.of("days_remaining", 90), null), "w")).isFalse();
    }
}
