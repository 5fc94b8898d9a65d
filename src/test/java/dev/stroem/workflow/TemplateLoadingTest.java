package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Templates are checked at load: unknown filters are errors naming where they are; webhook inputs still load. */
class TemplateLoadingTest {
    @TempDir
    Path dir;

    @Test
    void unknownFiltersAreLoadErrorsNamingFileTaskAndStep() {
        var ws = new WorkflowFixture(dir).file("a.yaml", """
                actions:
                  greet:
                    type: script
                    script: echo {{ input.name | shout }}
                    input:
                      name: { type: string }
                  fine:
                    type: script
                    script: echo {{ input.names | join(sep=", ") | upper }} {{ input.obj | json_encode() }}
                tasks:
                  t:
                    flow:
                      s:
                        action: fine
                        input:
                          names: "{{ input.list | frobnicate }}"
                """);

        assertThat(ws.problems()).containsExactly(
                ".workflows/a.yaml: action greet: Template action 'greet' script: unknown filter 'shout'",
                ".workflows/a.yaml: t/s: Template step 's' input 'names': unknown filter 'frobnicate'");
    }

    @Test
    void webhookTasksReadUndeclaredInputAndGuardedNamesLoad() {
        var ws = new WorkflowFixture(dir).file("a.yaml", """
                tasks:
                  on-push:
                    flow:
                      build:
                        type: script
                        script: |
                          echo "{{ input.body.ref }} {{ input.headers['x-github-event'] | default(value='none') }}"
                          echo "{{ input.query | json_encode }} {{ input.method | lower }}"
                          {% if input.body.tag is defined %}echo tag {{ input.body.tag }}{% endif %}
                """);

        Workspace loaded = ws.load();

        assertThat(loaded.errors()).isEmpty();
        assertThat(loaded.tasks()).containsKey("on-push");
    }
}
