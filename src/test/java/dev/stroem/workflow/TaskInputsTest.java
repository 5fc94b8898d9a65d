package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The original's input fields: every type, dropdowns, custom values, multi-select and order. */
class TaskInputsTest {

    private static final String DEPLOY = """
            actions:
              echo:
                type: script
                script: echo ok
            tasks:
              deploy:
                input:
                  environments:
                    type: string
                    options: [dev, staging, prod, sandbox]
                    multiple: true
                    default: [dev, staging]
                    required: true
                    order: 1
                  region:
                    type: string
                    name: AWS Region
                    options: [us-east-1, eu-west-1]
                    allow_custom: true
                    order: 2
                  tier:
                    type: string
                    options: [small, large]
                  replicas: { type: integer, options: [1, 3, 5] }
                  labels: { type: string, options: [a, b], multiple: true, allow_custom: true }
                  ratio: { type: number }
                  verbose: { type: bool }
                  day: { type: date }
                  at: { type: datetime }
                  notes: { type: text }
                flow:
                  run: { action: echo }
            """;

    @TempDir
    Path dir;

    private Task deploy;
    private final JobPlanner planner = new JobPlanner();

    @BeforeEach
    void load() {
        var ws = new WorkflowFixture(dir).file("deploy.yaml", DEPLOY);
        assertThat(ws.problems()).isEmpty();
        deploy = ws.load().task("deploy").orElseThrow();
    }

    private Map<String, Object> run(Map<String, Object> given) {
        return planner.resolveTaskInput(deploy, given);
    }

    @Test
    void multiSelectCustomValuesAndOrderLoadAndShowInTheTaskDetail() throws Exception {
        JsonNodeAssert detail = new JsonNodeAssert(new ObjectMapper().valueToTree(TaskDetailView.of("ws", deploy, java.util.List.of())));
        detail.has("/input/environments/multiple", "true")
                .has("/input/environments/default", "[\"dev\",\"staging\"]")
                .has("/input/environments/options", "[\"dev\",\"staging\",\"prod\",\"sandbox\"]")
                .has("/input/environments/order", "1")
                .has("/input/region/allow_custom", "true")
                .has("/input/region/name", "\"AWS Region\"")
                .has("/input/verbose/type", "\"boolean\"")
                .has("/input/replicas/options", "[\"1\",\"3\",\"5\"]")
                // false flags are left out, as the original's serialiser skips defaults
                .lacks("/input/tier/multiple")
                .lacks("/input/tier/allow_custom")
                .lacks("/input/tier/order");
    }

    @Test
    void aMultiSelectValueIsAListAndEveryItemMustBeAnOption() {
        assertThat(run(Map.of("environments", List.of("prod", "dev")))).containsEntry("environments", List.of("prod", "dev"));
        assertThat(run(Map.of())).containsEntry("environments", List.of("dev", "staging"));
        // A JSON array in text (CLI -i key=[...]) and a single plain value are accepted as lists.
        assertThat(run(Map.of("environments", "[\"prod\"]"))).containsEntry("environments", List.of("prod"));
        assertThat(run(Map.of("environments", "sandbox"))).containsEntry("environments", List.of("sandbox"));
        // An empty list is no choice: the default applies.
        assertThat(run(Map.of("environments", List.of()))).containsEntry("environments", List.of("dev", "staging"));

        assertThatThrownBy(() -> run(Map.of("environments", List.of("dev", "moon"))))
                .isInstanceOf(InputException.class)
                .hasMessage("input.environments: \"moon\" is not one of dev, staging, prod, sandbox");
        assertThat(run(Map.of("labels", List.of("a", "zzz")))).containsEntry("labels", List.of("a", "zzz"));
    }

    @Test
    void aSelectWithoutAllowCustomTakesOnlyItsOptions() {
        assertThat(run(Map.of("tier", "large", "region", "ap-south-2"))).containsEntry("tier", "large").containsEntry("region", "ap-south-2");
        assertThat(run(Map.of("replicas", "3"))).containsEntry("replicas", 3L);
        assertThatThrownBy(() -> run(Map.of("tier", "huge", "replicas", 4)))
                .isInstanceOf(InputException.class)
                .hasMessage("input.tier: \"huge\" is not one of small, large; input.replicas: 4 is not one of 1, 3, 5")
                .satisfies(e -> assertThat(((InputException) e).fields()).containsExactly("tier", "replicas"));
    }

    @Test
    void everyDocumentedTypeIsCheckedAndNamedWhenWrong() {
        Map<String, Object> ok = run(Map.of("ratio", "2.5", "verbose", "true", "day", "2026-01-15",
                "at", "2026-01-15T14:30", "notes", "line 1\nline 2"));
        assertThat(ok).containsEntry("ratio", 2.5).containsEntry("verbose", true).containsEntry("day", "2026-01-15")
                .containsEntry("at", "2026-01-15T14:30").containsEntry("notes", "line 1\nline 2");
        assertThat(run(Map.of("at", "2026-01-15T14:30:05Z"))).containsEntry("at", "2026-01-15T14:30:05Z");

        assertThatThrownBy(() -> run(Map.of("day", "15/01/2026", "at", "tomorrow", "verbose", "yes")))
                .isInstanceOf(InputException.class)
                .hasMessage("input.verbose: expected true or false, got \"yes\"; input.day: expected a date (YYYY-MM-DD), got \"15/01/2026\";"
                        + " input.at: expected a date and time (YYYY-MM-DDTHH:MM), got \"tomorrow\"");
        assertThatThrownBy(() -> run(Map.of("day", "2026-02-30"))).hasMessageContaining("input.day: expected a date");
    }

    @Test
    void selectMistakesInTheSchemaAreLoadErrorsNamingTheField() {
        var ws = new WorkflowFixture(dir.resolve("bad")).file("a.yaml", """
                tasks:
                  t:
                    input:
                      no-options: { type: string, multiple: true }
                      scalar-default: { type: string, options: [a, b], multiple: true, default: a }
                      stray-default: { type: string, options: [a, b], default: c }
                      stray-item: { type: string, options: [a, b], multiple: true, default: [a, c] }
                      custom-ok: { type: string, options: [a, b], allow_custom: true, default: c }
                      templated: { type: string, options: [a, b], default: "{{ input.x }}" }
                      bad-date: { type: date, default: "01.02.2026" }
                    flow:
                      s: { type: script, script: echo }
                  t2:
                    input:
                      bad-order: { type: string, order: first }
                    flow:
                      s: { type: script, script: echo }
                """);
        assertThat(ws.problems()).containsExactly(
                ".workflows/a.yaml: t: input field 'no-options' has 'multiple: true', which needs 'options'",
                ".workflows/a.yaml: t: input field 'scalar-default' has 'multiple: true', so its default must be a list",
                ".workflows/a.yaml: t: input field 'stray-default' has the default 'c', which is not one of its options"
                        + " (add 'allow_custom: true' to allow other values)",
                ".workflows/a.yaml: t: input field 'stray-item' has the default 'c', which is not one of its options"
                        + " (add 'allow_custom: true' to allow other values)",
                ".workflows/a.yaml: t: input field 'bad-date' has a default that is not of type date",
                ".workflows/a.yaml: t2: 'input.bad-order.order': expected a value of type Integer");
    }

    /** Small JSON-pointer assertions on a serialised view. */
    private record JsonNodeAssert(com.fasterxml.jackson.databind.JsonNode node) {
        JsonNodeAssert has(String pointer, String json) {
            assertThat(node.at(pointer).toString()).as(pointer).isEqualTo(json);
            return this;
        }

        JsonNodeAssert lacks(String pointer) {
            assertThat(node.at(pointer).isMissingNode()).as(pointer + " in " + node).isTrue();
            return this;
        }
    }
}
