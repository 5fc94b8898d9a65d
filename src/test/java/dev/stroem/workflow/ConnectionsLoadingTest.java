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
