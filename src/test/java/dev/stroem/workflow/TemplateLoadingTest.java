package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Templates are checked at load: unknown filters and names that cannot exist where a template
 * renders are errors naming file, task, step and the name; webhook inputs and guarded names load.
 */
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
    void unknownFunctionsAreLoadErrorsAndTerasFunctionsLoad() {
        var ws = new WorkflowFixture(dir).file("a.yaml", """
                tasks:
                  t:
                    flow:
                      s:
                        type: script
                        script: |
                          echo {{ now(utc=true) }} {{ range(end=3) | join(sep=',') }} {{ get_random(start=0, end=9) }}
                          echo {{ nwo() }}
                """);

        assertThat(ws.problems()).containsExactly(".workflows/a.yaml: t/s: Template step 's' script: unknown function 'nwo()'");
    }

    @Test
    void webhookTasksReadUndeclaredInputAndGuardedNamesLoad() {
        String task = """
                tasks:
                  on-push:
                    flow:
                      build:
                        type: script
                        input:
                          ref: "{{ input.body.ref }}"
                          event: "{{ input.headers['x-github-event'] | default(value='none') }}"
                          query: "{{ input.query | json_encode }}"
                          method: "{{ input.method | lower }}"
                          tag: "{% if input.body.tag is defined %}{{ input.body.tag }}{% endif %}"
                        script: echo "{{ input.ref }} {{ input.event }} {{ input.query }} {{ input.method }} {{ input.tag }}"
                """;
        var ws = new WorkflowFixture(dir).file("a.yaml", task + """
                triggers:
                  push: { type: webhook, name: push, task: on-push }
                """);

        Workspace loaded = ws.load();

        assertThat(loaded.errors()).isEmpty();
        assertThat(loaded.tasks()).containsKey("on-push");
        assertThat(loaded.warnings()).isEmpty();

        // The same task without its webhook: it loads, and what only a webhook passes is pointed out.
        Workspace alone = ws.file("a.yaml", task).load();
        assertThat(alone.errors()).isEmpty();
        assertThat(alone.tasks()).containsKey("on-push");
        assertThat(alone.warnings()).containsExactly(
                ".workflows/a.yaml: on-push/build: Template step 'build' input 'ref': input.body is not an input of task "
                        + "'on-push'; it renders only when the caller passes it",
                ".workflows/a.yaml: on-push/build: Template step 'build' input 'query': input.query is not an input of "
                        + "task 'on-push'; it renders only when the caller passes it",
                ".workflows/a.yaml: on-push/build: Template step 'build' input 'method': input.method is not an input of "
                        + "task 'on-push'; it renders only when the caller passes it");
    }

    @Test
    void namesThatCannotExistWhereATemplateRendersAreLoadErrors() {
        var ws = new WorkflowFixture(dir).file("a.yaml", """
                actions:
                  typo:
                    type: script
                    script: echo {{ inputs.name }}
                  greet:
                    type: script
                    script: echo {{ input.name }} {{ input.nmae }}
                    input:
                      name: { type: string }
                tasks:
                  ci:
                    input:
                      ref: { type: string }
                    flow:
                      build:
                        type: script
                        script: echo build
                      say-hello:
                        type: script
                        script: echo hi
                      deploy:
                        depends_on: [build, say-hello]
                        action: greet
                        input:
                          name: "{{ buidl.output.version }} {{ build.outptu }} {{ say-hello.output.x }}"
                        when: "{{ each.item }}"
                      check:
                        depends_on: [build]
                        type: script
                        script: echo {{ secret.MISSING }} {{ hook.job_id }} {{ check.output }}
                    on_error:
                      - action: greet
                        input:
                          name: "{{ hook.error }} {{ input.ref }}"
                """);

        assertThat(ws.problems()).containsExactlyInAnyOrder(
                ".workflows/a.yaml: action typo: Template action 'typo' script: 'inputs' is not defined "
                        + "(here: input, secret, state, global_state, each, build.output, say_hello.output, "
                        + "deploy.output, check.output)",
                ".workflows/a.yaml: ci/deploy: Template step 'deploy' input 'name': no step 'buidl' in this task "
                        + "(buidl.output.version)",
                ".workflows/a.yaml: ci/deploy: Template step 'deploy' input 'name': build.outptu: a step has only .output",
                ".workflows/a.yaml: ci/deploy: Template step 'deploy' input 'name': step 'say-hello' is written "
                        + "say_hello in templates (a dash reads as a minus)",
                ".workflows/a.yaml: ci/deploy: Template step 'deploy' when: 'each' exists only in steps with for_each",
                ".workflows/a.yaml: ci/deploy: Template step 'deploy' script (action 'greet'): input.nmae is neither "
                        + "an input of action 'greet' nor passed by step 'deploy'",
                ".workflows/a.yaml: ci/check: Template step 'check' script: secret.MISSING is not under secrets: "
                        + "in the workspace",
                ".workflows/a.yaml: ci/check: Template step 'check' script: 'hook' is not defined "
                        + "(here: input, secret, state, global_state, build.output, say_hello.output, deploy.output, "
                        + "check.output)",
                ".workflows/a.yaml: ci/check: Template step 'check' script: step 'check' reads its own output (check.output), "
                        + "which does not exist while it runs",
                ".workflows/a.yaml: ci: Template on_error[0] input 'name': hook has no field 'error' (it has workspace, "
                        + "task_name, job_id, status, is_success, error_message, source_type, source_id, started_at, completed_at, "
                        + "duration_secs, failed_steps, artifacts)",
                ".workflows/a.yaml: ci: Template on_error[0] input 'name': 'input' is not defined (here: hook, secret)",
                ".workflows/a.yaml: ci: Template on_error[0] action 'greet' script: input.nmae is neither an input of "
                        + "action 'greet' nor passed by the hook");
        assertThat(ws.load().tasks()).isEmpty();
        assertThat(ws.load().actions()).containsOnlyKeys("greet");
    }

    @Test
    void whatEachPlaceSeesLoadsWithoutErrors() {
        var ws = new WorkflowFixture(dir).file("a.yaml", """
                secrets:
                  TOKEN: static
                actions:
                  greet:
                    type: script
                    script: echo {{ input.name }} {{ input.extra }} {{ secret.TOKEN }}
                    env:
                      REGION: "{{ each.item | default(value='none') }}"
                    input:
                      name: { type: string, default: x }
                  notify:
                    type: script
                    script: echo {{ input.message }}
                tasks:
                  ci:
                    input:
                      regions: { type: string }
                    flow:
                      build:
                        type: script
                        script: |
                          echo 'OUTPUT: {"v": 1}'
                      fan-out:
                        depends_on: [build]
                        for_each: "{{ input.regions }}"
                        when: "{{ build.output.v == 1 and state is defined }}"
                        action: greet
                        input:
                          extra: "{{ each.item }}-{{ each.index }}-{{ build.output.v }}"
                      inline:
                        depends_on: [fan-out]
                        type: script
                        script: |
                          {% for k, v in input.labels %}{{ k }}={{ v }} {{ loop.index }}{% endfor %}
                          {% set n = fan_out.output | length %}{{ n }} {{ global_state.x | default(value=0) }}
                          {% if input.maybe is defined %}{{ input.maybe.deep }}{% endif %}
                        input:
                          labels: "{{ input.regions }}"
                    on_success:
                      - action: notify
                        input:
                          message: "{{ hook.task_name }} {{ hook.failed_steps | length }} {{ secret.TOKEN }}"
                """);

        Workspace loaded = ws.load();

        assertThat(loaded.errors()).isEmpty();
        assertThat(loaded.tasks()).containsKey("ci");
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void undeclaredTaskInputAndStepsNotWaitedForAreWarningsExceptWhatTriggersPass() {
        var ws = new WorkflowFixture(dir).file("a.yaml", """
                tasks:
                  api:
                    input:
                      name: { type: string }
                    flow:
                      first:
                        type: script
                        script: echo first
                      second:
                        type: script
                        script: echo {{ first.output.x }}
                        input:
                          who: "{{ input.nmae }}"
                  nightly:
                    flow:
                      run:
                        type: script
                        script: echo {{ input.mode }}
                        input:
                          mode: "{{ input.mode }} {{ input.body.ref }}"
                triggers:
                  every-night:
                    type: scheduler
                    cron: "0 2 * * *"
                    task: nightly
                    input: { mode: full }
                  push:
                    type: webhook
                    name: push
                    task: nightly
                """);

        Workspace loaded = ws.load();

        assertThat(loaded.errors()).isEmpty();
        assertThat(loaded.tasks()).containsOnlyKeys("api", "nightly");
        assertThat(loaded.warnings()).containsExactly(
                ".workflows/a.yaml: api/second: Template step 'second' input 'who': input.nmae is not an input of "
                        + "task 'api'; it renders only when the caller passes it",
                ".workflows/a.yaml: api/second: Template step 'second' script: reads first.output.x, but step 'second' "
                        + "does not depend on 'first' (depends_on), so it may not have finished");
    }
}
