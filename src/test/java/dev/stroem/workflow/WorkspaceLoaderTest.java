package dev.stroem.workflow;

import static dev.stroem.workflow.WorkflowFixture.GREET_ACTION;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceLoaderTest {

    @TempDir
    Path dir;

    WorkflowFixture ws;

    @BeforeEach
    void setUp() {
        ws = new WorkflowFixture(dir);
    }

    @Test
    void loadsActionsAndTasksAcrossFilesInFileOrder() {
        ws.file("a-actions.yaml", """
                actions:
                  greet:
                    name: Greet
                    description: Says hello
                    type: script
                    script: |
                      echo "Hello {{ input.name }}"
                    env:
                      GREETING: "{{ input.name }}"
                    tags: [linux]
                    input:
                      name: { type: string, required: true }
                      loud: { type: bool, default: false }
                  notify:
                    type: script
                    script: echo notified
                """);
        ws.file("b-tasks.yaml", """
                tasks:
                  zeta:
                    flow:
                      only: { action: greet }
                  hello:
                    name: Hello
                    description: A greeting
                    mode: distributed
                    folder: demo
                    timeout: 1h
                    input:
                      name: { type: string, name: Name, default: World, options: [World, You] }
                    flow:
                      say-hello:
                        action: greet
                        name: Say hello
                        input:
                          name: "{{ input.name }}"
                        timeout: 30s
                      shout:
                        type: script
                        script: echo "{{ input.message }}"
                        depends_on: [say-hello]
                        continue_on_failure: true
                        input:
                          message: "{{ say_hello.output.greeting }}"
                          level: { type: integer, default: 3 }
                    on_success:
                      - action: notify
                        input:
                          text: "{{ hook.task_name }} done"
                    on_error:
                      - action: notify
                """);

        Workspace workspace = ws.load();

        assertThat(workspace.errors()).isEmpty();
        assertThat(workspace.actions().keySet()).containsExactly("greet", "notify");
        assertThat(workspace.tasks().keySet()).containsExactly("zeta", "hello");

        Action greet = workspace.actions().get("greet");
        assertThat(greet.script()).isEqualTo("echo \"Hello {{ input.name }}\"\n");
        assertThat(greet.env()).containsEntry("GREETING", "{{ input.name }}");
        assertThat(greet.tags()).containsExactly("linux");
        assertThat(greet.input().get("loud").type()).as("bool is the original's alias of boolean").isEqualTo("boolean");
        assertThat(greet.file()).isEqualTo(".workflows/a-actions.yaml");

        Task hello = workspace.tasks().get("hello");
        assertThat(hello.displayName()).isEqualTo("Hello");
        assertThat(hello.folder()).isEqualTo("demo");
        assertThat(hello.mode()).isEqualTo("distributed");
        assertThat(hello.timeoutSeconds()).isEqualTo(3600L);
        assertThat(hello.input().get("name").defaultValue()).isEqualTo("World");
        assertThat(hello.input().get("name").options()).containsExactly("World", "You");
        assertThat(hello.flow().keySet()).containsExactly("say-hello", "shout");

        FlowStep sayHello = hello.flow().get("say-hello");
        assertThat(sayHello.action()).isSameAs(greet);
        assertThat(sayHello.displayName()).isEqualTo("Say hello");
        assertThat(sayHello.timeoutSeconds()).isEqualTo(30L);
        assertThat(sayHello.dependsOn()).isEmpty();
        assertThat(sayHello.continueOnFailure()).isFalse();

        FlowStep shout = hello.flow().get("shout");
        assertThat(shout.actionName()).isEqualTo("_inline:hello:shout");
        assertThat(shout.action().script()).isEqualTo("echo \"{{ input.message }}\"");
        assertThat(shout.action().input()).as("input entries with a type are the inline action's schema").containsOnlyKeys("level");
        assertThat(shout.input()).containsOnlyKeys("message");
        assertThat(shout.dependsOn()).containsExactly("say-hello");
        assertThat(shout.continueOnFailure()).isTrue();
        assertThat(shout.timeoutSeconds()).isNull();

        assertThat(hello.hooks().onSuccess()).containsExactly(new Hook("notify", Map.of("text", "{{ hook.task_name }} done")));
        assertThat(hello.hooks().onError()).containsExactly(new Hook("notify", Map.of()));
        assertThat(hello.hooks().onCancel()).isEmpty();
        assertThat(workspace.hooksFor(hello, HookEvent.CANCEL)).as("cancel falls back to on_error").isEqualTo(hello.hooks().onError());
    }

    @Test
    void aTaskInASubfolderTakesTheSubfolderAsItsFolder() {
        ws.file("deploy/staging/jobs.yml", GREET_ACTION + """
                tasks:
                  inferred:
                    flow: { s: { action: greet } }
                  explicit:
                    folder: elsewhere
                    flow: { s: { action: greet } }
                """);

        Workspace workspace = ws.load();

        assertThat(workspace.errors()).isEmpty();
        assertThat(workspace.tasks().get("inferred").folder()).isEqualTo("deploy/staging");
        assertThat(workspace.tasks().get("explicit").folder()).isEqualTo("elsewhere");
        assertThat(workspace.tasks().get("inferred").file()).isEqualTo(".workflows/deploy/staging/jobs.yml");
    }

    @Test
    void workspaceLevelHooksAreTheFallbackForTasksWithoutTheirOwn() {
        ws.file("a.yaml", GREET_ACTION + """
                on_success:
                  - action: greet
                on_error:
                  - action: greet
                    input: { why: "{{ hook.error_message }}" }
                tasks:
                  plain:
                    flow: { s: { action: greet } }
                  own:
                    flow: { s: { action: greet } }
                    on_error:
                      - action: greet
                        input: { mine: "yes" }
                """);

        Workspace workspace = ws.load();

        assertThat(workspace.errors()).isEmpty();
        Task plain = workspace.tasks().get("plain");
        Task own = workspace.tasks().get("own");
        assertThat(workspace.hooksFor(plain, HookEvent.SUCCESS)).extracting(Hook::action).containsExactly("greet");
        assertThat(workspace.hooksFor(plain, HookEvent.ERROR).get(0).input()).containsKey("why");
        assertThat(workspace.hooksFor(own, HookEvent.ERROR).get(0).input()).containsKey("mine");
        assertThat(workspace.hooksFor(own, HookEvent.SUCCESS)).extracting(Hook::action).containsExactly("greet");
        assertThat(workspace.hooksFor(own, HookEvent.CANCEL).get(0).input()).containsKey("mine");
    }

    @Test
    void yamlSyntaxErrorNamesFileAndLine() {
        ws.file("broken.yaml", """
                tasks:
                  t:
                    flow:
                      a: { action: greet
                """);

        List<String> problems = ws.problems();

        assertThat(problems).containsExactly(
                ".workflows/broken.yaml:4: YAML syntax error: while parsing a flow mapping; expected ',' or '}', but got <stream end>");
    }

    @Test
    void duplicateKeysAreReportedWithTheirLine() {
        ws.file("dup.yaml", """
                actions:
                  greet:
                    type: script
                    script: echo one
                    script: echo two
                """);

        assertThat(ws.problems()).containsExactly(".workflows/dup.yaml:5: duplicate key 'script'");
    }

    @Test
    void duplicateStepNamesAreDuplicateKeys() {
        ws.file("dup.yaml", GREET_ACTION + """
                tasks:
                  t:
                    flow:
                      a: { action: greet }
                      a: { action: greet }
                """);

        assertThat(ws.problems()).containsExactly(".workflows/dup.yaml:9: duplicate key 'a'");
    }

    @Test
    void unknownFieldsAreNamedWithWhereTheyAre() {
        ws.file("a.yaml", GREET_ACTION + """
                tasks:
                  t:
                    flow:
                      s: { action: greet, depnds_on: [x] }
                  u:
                    input:
                      n: { type: string, requird: true }
                    flow:
                      s: { action: greet }
                  v:
                    flw: {}
                """);

        assertThat(ws.problems()).containsExactly(
                ".workflows/a.yaml: t/s: unknown field 'depnds_on' (known: action, args, continue_on_failure,"
                        + " dependencies, depends_on, description, env, for_each, input, interpreter, language, name, output, retry,"
                        + " runner, script, sequential, source, tags, timeout, type, when)",
                ".workflows/a.yaml: u: 'input.n': unknown field 'requird' (known: allow_custom, default, description, multiple, name, options, order, required, type)",
                ".workflows/a.yaml: v: unknown field 'flw' (known: description, flow, folder, input, mode, name, on_cancel,"
                        + " on_error, on_success, retry, timeout)");
    }

    @Test
    void wrongValueKindsAreExplained() {
        ws.file("a.yaml", GREET_ACTION + """
                tasks:
                  t:
                    flow:
                      s: { action: greet, depends_on: other, continue_on_failure: [1] }
                """);

        assertThat(ws.problems()).containsExactly(".workflows/a.yaml: t/s: 'depends_on': expected a list");
    }

    @Test
    void stepReferencingAnUnknownActionIsReportedAndItsTaskLeftOut() {
        ws.file("a.yaml", GREET_ACTION + """
                tasks:
                  good:
                    flow: { s: { action: greet } }
                  bad:
                    flow:
                      ok: { action: greet }
                      typo: { action: gret }
                """);

        Workspace workspace = ws.load();

        assertThat(workspace.errors()).containsExactly(
                new WorkflowError(".workflows/a.yaml", null, "bad", "typo", null, "step references unknown action 'gret'"));
        assertThat(workspace.tasks().keySet()).containsExactly("good");
    }

    @Test
    void aCycleIsNamed() {
        ws.file("a.yaml", GREET_ACTION + """
                tasks:
                  loop:
                    flow:
                      start: { action: greet }
                      a: { action: greet, depends_on: [start, c] }
                      b: { action: greet, depends_on: [a] }
                      c: { action: greet, depends_on: [b] }
                  self:
                    flow:
                      a: { action: greet, depends_on: [a] }
                """);

        assertThat(ws.problems()).containsExactly(
                ".workflows/a.yaml: loop: dependency cycle: a → c → b → a",
                ".workflows/a.yaml: self: dependency cycle: a → a");
    }

    @Test
    void dependencyOnAMissingStepIsReported() {
        ws.file("a.yaml", GREET_ACTION + """
                tasks:
                  t:
                    flow:
                      a: { action: greet }
                      b: { action: greet, depends_on: [a, nope] }
                """);

        assertThat(ws.problems()).containsExactly(".workflows/a.yaml: t/b: step depends on unknown step 'nope'");
    }

    @Test
    void badTimeoutsAreReported() {
        ws.file("a.yaml", GREET_ACTION + """
                tasks:
                  t:
                    timeout: 8d
                    flow:
                      a: { action: greet, timeout: 5x }
                      b: { action: greet, timeout: 25h }
                      c: { action: greet, timeout: 90 }
                """);

        assertThat(ws.problems()).containsExactly(
                ".workflows/a.yaml: t: timeout 8d exceeds the maximum of 7d",
                ".workflows/a.yaml: t/a: timeout '5x' is not a duration; use e.g. 30s, 5m, 1h30m or a number of seconds",
                ".workflows/a.yaml: t/b: timeout 25h exceeds the maximum of 24h");
    }

    @Test
    void anActionDefinedAgainInALaterFileWinsButATaskTwiceIsAnError() {
        ws.file("a.yaml", GREET_ACTION + """
                tasks:
                  t:
                    description: first
                    flow: { s: { action: greet } }
                """);
        ws.file("b.yaml", """
                actions:
                  greet:
                    type: script
                    script: echo second
                tasks:
                  t:
                    description: second
                    flow: { s: { action: greet } }
                """);

        Workspace workspace = ws.load();

        // As the original: the later file's action wins, with a warning; a task twice stays an error.
        assertThat(workspace.errors()).extracting(WorkflowError::describe).containsExactly(
                ".workflows/b.yaml: t: task is already defined in .workflows/a.yaml");
        assertThat(workspace.warnings()).containsExactly("action 'greet' is defined in .workflows/a.yaml and again in "
                + ".workflows/b.yaml; the later one (.workflows/b.yaml) is used");
        assertThat(workspace.tasks().get("t").description()).isEqualTo("first");
        assertThat(workspace.actions().get("greet").script()).isEqualTo("echo second");
        assertThat(workspace.tasks().get("t").step("s").orElseThrow().action().script()).isEqualTo("echo second");
    }

    @Test
    void namesThatAreUnsafeAsFileNamesOrKeysAreRejected() {
        ws.file("a.yaml", GREET_ACTION + """
                actions:
                  "bad/action": { type: script, script: echo }
                """.replace("actions:\n", "") + """
                tasks:
                  "a/b":
                    flow: { s: { action: greet } }
                  "a\\\\b":
                    flow: { s: { action: greet } }
                  "..":
                    flow: { s: { action: greet } }
                  "nul\\0x":
                    flow: { s: { action: greet } }
                  ok:
                    flow:
                      "x\\ty": { action: greet }
                      "up..dir": { action: greet }
                      "_server": { action: greet }
                      "each[0]": { action: greet }
                      "input": { action: greet }
                """);

        assertThat(ws.problems()).containsExactly(
                ".workflows/a.yaml: action bad/action: action name 'bad/action' contains '/', which is not allowed in names",
                ".workflows/a.yaml: a/b: task name 'a/b' contains '/', which is not allowed in names",
                ".workflows/a.yaml: a\\b: task name 'a\\b' contains '\\', which is not allowed in names",
                ".workflows/a.yaml: ..: task name '..' contains '..' or is '.', which is not allowed in names",
                ".workflows/a.yaml: nul\\u0000x: task name 'nul\\u0000x' contains a control character",
                ".workflows/a.yaml: ok/x\\u0009y: step name 'x\\u0009y' contains a control character",
                ".workflows/a.yaml: ok/up..dir: step name 'up..dir' contains '..' or is '.', which is not allowed in names",
                ".workflows/a.yaml: ok/_server: step name '_server' is reserved for server events",
                ".workflows/a.yaml: ok/each[0]: step name 'each[0]' contains '[' or ']', which are reserved",
                ".workflows/a.yaml: ok/input: step name 'input' would hide the template variable 'input'");
    }

    @Test
    void defect2_namesTheLogStoreWouldRefuse_areRefusedWhenTheWorkspaceLoads() {
        String longTask = "é".repeat(101); // 101 characters, 202 bytes of UTF-8
        ws.file("a.yaml", GREET_ACTION + """
                tasks:
                  ok:
                    flow:
                      "c:build": { action: greet }
                  "%s":
                    flow: { s: { action: greet } }
                """.formatted(longTask));

        assertThat(ws.problems()).containsExactly(
                ".workflows/a.yaml: ok/c:build: step name 'c:build' must not be an absolute path",
                ".workflows/a.yaml: " + longTask + ": task name '" + longTask
                        + "' must not be longer than 200 bytes (UTF-8)");
        assertThat(dev.stroem.logs.SafeName.isSafe("c:build")).isFalse();
        assertThat(dev.stroem.logs.SafeName.isSafe(longTask)).isFalse();
    }

    @Test
    void stepNamesThatMeetInTemplatesClash() {
        ws.file("a.yaml", GREET_ACTION + """
                tasks:
                  t:
                    flow:
                      say-hello: { action: greet }
                      say_hello: { action: greet }
                """);

        assertThat(ws.problems()).containsExactly(
                ".workflows/a.yaml: t/say_hello: step name 'say_hello' and 'say-hello' are both 'say_hello' in templates");
    }

    @Test
    void hookReferencingAnUnknownActionIsReported() {
        ws.file("a.yaml", GREET_ACTION + """
                on_success:
                  - action: ghost
                tasks:
                  t:
                    flow: { s: { action: greet } }
                    on_error:
                      - action: greet
                      - action: phantom
                """);

        Workspace workspace = ws.load();

        assertThat(workspace.errors()).extracting(WorkflowError::describe).containsExactly(
                ".workflows/a.yaml: on_success[0] references unknown action 'ghost'",
                ".workflows/a.yaml: t: on_error[1] references unknown action 'phantom'");
        assertThat(workspace.tasks()).isEmpty();
        assertThat(workspace.hooks().onSuccess()).isEmpty();
    }

    @Test
    void invalidTemplateSyntaxIsReportedAtLoad() {
        ws.file("a.yaml", """
                actions:
                  broken-script:
                    type: script
                    script: |
                      echo ok
                      {% if input.x %}
                      echo never closed
                  broken-env:
                    type: script
                    script: echo "$X"
                    env:
                      X: "{{ input.x | }}"
                  fine:
                    type: script
                    script: echo fine
                tasks:
                  t:
                    flow:
                      s:
                        action: fine
                        input:
                          nested: { list: ["ok", "{{ input.y"] }
                    on_error:
                      - action: fine
                        input: { m: "{% endif %}" }
                """);

        List<String> problems = ws.problems();

        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).startsWith(".workflows/a.yaml: action broken-script: Template action 'broken-script' script: syntax error:");
        assertThat(problems.get(1)).startsWith(".workflows/a.yaml: action broken-env: Template action 'broken-env' env 'X': syntax error:");
        assertThat(problems.get(2)).startsWith(".workflows/a.yaml: t/s: Template step 's' input 'nested'.list[1]: syntax error:");
        assertThat(problems.get(3)).startsWith(".workflows/a.yaml: t: Template on_error[0] input 'm': syntax error:");
    }

    @Test
    void envNamesAProcessCannotHaveAreRejected() {
        ws.file("a.yaml", """
                actions:
                  bad-env-name:
                    type: script
                    script: echo
                    env:
                      "A=B": x
                      OK_NAME: y
                """);

        assertThat(ws.problems()).containsExactly(
                ".workflows/a.yaml: action bad-env-name: env name 'A=B' is not a valid environment variable name");
    }

    @Test
    void unsupportedFeaturesAreRejectedClearly() {
        ws.file("a.yaml", GREET_ACTION + """
                actions:
                  in-docker: { type: docker, image: alpine }
                  in-pod: { type: script, runner: pod, script: echo }
                  cobol: { type: script, language: cobol, script: DISPLAY 1 }
                """.replace("actions:\n", "") + """
                secrets:
                  A: b
                tasks:
                  t:
                    flow:
                      agent: { type: agent, provider: x, prompt: y }
                  conn:
                    input:
                      db: { type: postgres }
                      key: { type: string, secret: true }
                    flow: { s: { action: greet } }
                """);

        assertThat(ws.problems()).containsExactly(
                ".workflows/a.yaml: action in-docker: action type 'docker' is not supported by Strøm for the JVM (only 'script')",
                ".workflows/a.yaml: action in-pod: runner 'pod' is not supported by Strøm for the JVM (only 'local')",
                ".workflows/a.yaml: action cobol: language 'cobol' is not one of shell, python, javascript (js), typescript (ts), go",
                ".workflows/a.yaml: 'secrets' is not supported by Strøm for the JVM",
                ".workflows/a.yaml: t/agent: action type 'agent' is not supported by Strøm for the JVM (only 'script')",
                ".workflows/a.yaml: conn: 'input.key': 'secret' is not supported by Strøm for the JVM");
    }

    @Test
    void aBrokenFileLeavesTheOtherFilesLoaded() {
        ws.file("a-good.yaml", GREET_ACTION + """
                tasks:
                  good:
                    flow: { s: { action: greet } }
                """);
        ws.file("b-broken.yaml", "tasks: [unclosed\n");
        ws.file("c-good.yaml", """
                tasks:
                  also-good:
                    flow: { s: { action: greet } }
                  half-bad:
                    flow: { s: { action: missing } }
                """);

        Workspace workspace = ws.load();

        assertThat(workspace.tasks().keySet()).containsExactly("good", "also-good");
        assertThat(workspace.errors()).extracting(WorkflowError::file).containsExactly(".workflows/b-broken.yaml", ".workflows/c-good.yaml");
    }

    @Test
    void aMissingFolderOrEmptyWorkspaceIsAProblemNotACrash() {
        Workspace missing = new WorkspaceLoader().load("ws", dir.resolve("nowhere"));
        assertThat(missing.errors()).extracting(WorkflowError::message).singleElement().asString()
                .endsWith("nowhere does not exist or is not a folder");

        Workspace empty = new WorkspaceLoader().load("ws", dir);
        assertThat(empty.errors()).extracting(WorkflowError::message).singleElement().asString()
                .startsWith("no workflow files (*.yaml, *.yml) found in");
    }

    @Test
    void emptyFilesAndCommentsOnlyAreFine() {
        ws.file("empty.yaml", "");
        ws.file("comment.yml", "# nothing here yet\n");
        ws.file("x.yaml", GREET_ACTION);

        assertThat(ws.problems()).isEmpty();
    }

    @Test
    void theExampleWorkspaceLoadsWithoutErrors() {
        Workspace example = new WorkspaceLoader().load("example", Path.of("examples/workspace"));

        assertThat(example.errors()).isEmpty();
        assertThat(example.tasks().keySet())
                .containsExactlyInAnyOrder("hello-world", "parallel-dag", "failing-with-hook", "chatty", "broken-hook");
        Task dag = example.tasks().get("parallel-dag");
        assertThat(dag.flow().get("combine").dependsOn()).containsExactly("build-a", "build-b", "build-c");
        assertThat(example.tasks().get("failing-with-hook").hooks().onError()).isNotEmpty();
        assertThat(example.tasks().get("broken-hook").hooks().onSuccess()).isNotEmpty();
    }
}
