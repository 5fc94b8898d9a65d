package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connection types and connections: load-time checks and how a task input names a connection. */
class ConnectionsLoadingTest {
    @TempDir
    Path dir;

    private static final String TYPES = """
            connection_types:
              postgres:
                host: { type: string, required: true }
                port: { type: integer, default: 5432 }
                password: { type: string, required: true, secret: true }
            secrets:
              PW: "from-secret-pw"
            """;

    @Test
    void aTaskInputOfAConnectionTypeTakesTheNamedConnectionsValues() {
        var ws = new WorkflowFixture(dir).file("types.yaml", TYPES).file("a.yaml", """
                connections:
                  prod_db:
                    type: postgres
                    host: db.example.com
                    password: "{{ secret.PW }}"
                  custom:
                    url: https://api.example.com
                tasks:
                  migrate:
                    input:
                      db: { type: postgres }
                    flow:
                      run:
                        type: script
                        input: { db: "{{ input.db }}" }
                        script: echo {{ input.db.host }}:{{ input.db.port }}
                """);
        assertThat(ws.problems()).isEmpty();
        var workspace = ws.load();
        assertThat(workspace.connections().get("prod_db").values()).containsExactly(Map.entry("host", "db.example.com"),
                Map.entry("password", "from-secret-pw"), Map.entry("port", 5432));
        assertThat(workspace.connections().get("prod_db").secretFields()).containsExactly("password");
        assertThat(workspace.connections().get("custom").type()).isNull();
        var planner = new JobPlanner();
        var task = workspace.task("migrate").orElseThrow();

        var input = planner.resolveTaskInput(workspace, task, Map.of("db", "prod_db"));
        assertThat(input.get("db")).isEqualTo(workspace.connections().get("prod_db").values());
        assertThat(planner.renderStep(workspace, task, "run", input, Map.of()).script()).isEqualTo("echo db.example.com:5432");
        assertThat(planner.resolveTaskInput(workspace, task, Map.of("db", Map.of("host", "h"))).get("db"))
                .isEqualTo(Map.of("host", "h"));
        assertThat(planner.resolveTaskInput(workspace, task, Map.of("db", "custom")).get("db"))
                .isEqualTo(Map.of("url", "https://api.example.com"));
        assertThatThrownBy(() -> planner.resolveTaskInput(workspace, task, Map.of("db", "nope")))
                .isInstanceOf(InputException.class).hasMessage("input.db: no connection named 'nope' of type postgres");
    }

    @Test
    void anActionInputOfAConnectionTypeTakesTheConnectionTheStepNamesWhenTheStepRenders() {
        var ws = new WorkflowFixture(dir).file("types.yaml", TYPES).file("a.yaml", """
                connections:
                  prod_db:
                    type: postgres
                    host: db.example.com
                    password: "{{ secret.PW }}"
                  staging_db:
                    type: postgres
                    host: staging.internal
                    password: staging-pw
                  custom:
                    host: custom.example.com
                    port: 7
                actions:
                  migrate:
                    type: script
                    input:
                      db: { type: postgres, default: prod_db }
                    script: echo {{ input.db.host }}:{{ input.db.port }}
                tasks:
                  deploy:
                    input:
                      env: { type: string, default: staging }
                    flow:
                      named:
                        action: migrate
                        input: { db: "{{ input.env }}_db" }
                      defaulted:
                        action: migrate
                      untyped:
                        action: migrate
                        input: { db: custom }
                      given:
                        action: migrate
                        input: { db: { host: direct.example.com, port: 1 } }
                      wrong:
                        action: migrate
                        input: { db: nope }
                    on_error:
                      - action: migrate
                        input: { db: staging_db }
                """);
        assertThat(ws.problems()).isEmpty();
        var workspace = ws.load();
        var planner = new JobPlanner();
        var task = workspace.task("deploy").orElseThrow();
        var input = planner.resolveTaskInput(workspace, task, Map.of());

        var named = planner.renderStep(workspace, task, "named", input, Map.of());
        assertThat(named.input().get("db")).isEqualTo(workspace.connections().get("staging_db").values());
        assertThat(named.script()).isEqualTo("echo staging.internal:5432");
        // A default naming a connection resolves too (the original: "an input defaulting to clickhouse-prod").
        assertThat(planner.renderStep(workspace, task, "defaulted", input, Map.of()).script())
                .isEqualTo("echo db.example.com:5432");
        assertThat(planner.renderStep(workspace, task, "untyped", input, Map.of()).input().get("db"))
                .isEqualTo(Map.of("host", "custom.example.com", "port", 7));
        assertThat(planner.renderStep(workspace, task, "given", input, Map.of()).script())
                .isEqualTo("echo direct.example.com:1");
        assertThatThrownBy(() -> planner.renderStep(workspace, task, "wrong", input, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("step 'wrong' input 'db' (action 'migrate'): no connection named 'nope' of type postgres"
                        + " in workspace '" + workspace.name() + "'");
        var hook = planner.renderHook(workspace, task.hooks().onError().get(0),
                new HookContext(workspace.name(), "deploy", "j1", "failed", "boom", null, null, java.util.List.of()));
        assertThat(hook.script()).isEqualTo("echo staging.internal:5432");
    }

    @Test
    void anotherWorkspacesActionTakesThatWorkspacesConnections() {
        var owner = new WorkflowFixture(dir.resolve("jobs")).file("types.yaml", TYPES).file("a.yaml", """
                connections:
                  clickhouse_prod:
                    type: postgres
                    host: owner.example.com
                    password: owner-pw
                actions:
                  recalc:
                    type: script
                    input:
                      db: { type: postgres, default: clickhouse_prod }
                    script: echo {{ input.db.host }}
                """).load();
        var caller = new WorkflowFixture(dir.resolve("caller")).file("a.yaml", """
                tasks:
                  daily:
                    flow:
                      recalc:
                        action: jobs.recalc
                """).load();
        var task = caller.task("daily").orElseThrow();
        var rendered = new JobPlanner().renderStep(caller, task, "recalc", Map.<String, Object>of(), Map.<String, Object>of(), null,
                owner.action("recalc").orElseThrow(), owner);
        assertThat(rendered.script()).isEqualTo("echo owner.example.com");
    }

    @Test
    void connectionMistakesAreLoadErrors() {
        var ws = new WorkflowFixture(dir).file("types.yaml", TYPES).file("a.yaml", """
                connection_types:
                  broken:
                    when: { type: postgres }
                connections:
                  no_host:
                    type: postgres
                    password: x
                  empty:
                    type: postgres
                    host: ""
                    password: x
                  unknown:
                    type: mysql
                tasks:
                  t:
                    input:
                      db: { type: mongo }
                    flow:
                      s: { type: script, script: echo }
                """);

        assertThat(ws.problems()).containsExactlyInAnyOrder(
                ".workflows/a.yaml: connection type 'broken': property 'when' has type 'postgres', which is not one of"
                        + " string, text, integer, number, boolean, date, datetime",
                ".workflows/a.yaml: connection 'no_host': 'host' is required by type 'postgres'",
                ".workflows/a.yaml: connection 'empty': 'host' is empty",
                ".workflows/a.yaml: connection 'unknown': type 'mysql' is not a connection type of the workspace",
                ".workflows/a.yaml: t: input field 'db' has type 'mongo', which is not one of string, text, integer,"
                        + " number, boolean, date, datetime, nor a connection type");
        assertThat(ws.load().task("t")).isEmpty();
    }
}
