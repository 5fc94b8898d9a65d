package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON the web layer will send, compared as trees with the original's shapes. */
class ApiViewsTest {

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    /** Through text, as a client sees it (an in-memory tree tells a long 300 from an int 300). */
    private JsonNode sent(Object view) throws Exception {
        return json.readTree(json.writeValueAsString(view));
    }

    private Workspace workspace() {
        return new WorkflowFixture(dir).file("w.yaml", """
                actions:
                  greet:
                    type: script
                    script: echo hi
                tasks:
                  hello-world:
                    description: Says hello
                    folder: demo
                    timeout: 5m
                    input:
                      name: { type: string, default: World }
                      count: { type: integer, required: true, name: Count, description: How many, options: ["1", "2"] }
                    flow:
                      say-hello:
                        action: greet
                        input: { name: "{{ input.name }}" }
                      inline:
                        name: Inline
                        type: script
                        script: echo
                        depends_on: [say-hello]
                        continue_on_failure: true
                        timeout: 10
                    on_error:
                      - action: greet
                  plain:
                    name: Plain task
                    flow: { s: { action: greet } }
                """).file("broken.yaml", "tasks: [").load();
    }

    @Test
    void workspaceListHasTheOriginalsFieldsPlusErrors() throws Exception {
        Workspace ws = workspace();
        JsonNode view = sent(WorkspaceView.of(ws));

        assertThat(view).isEqualTo(json.readTree("""
                {"name": "ws", "tasks_count": 2, "actions_count": 1, "triggers_count": 0, "triggers_enabled": true,
                 "connections_count": 0, "revision": "%s",
                 "error": ".workflows/broken.yaml: YAML syntax error: while parsing a flow node; expected the node content, but found '<stream end>'",
                 "warnings": [],
                 "errors": [{"file": ".workflows/broken.yaml", "line": 1,
                             "message": "YAML syntax error: while parsing a flow node; expected the node content, but found '<stream end>'"}]}
                """.formatted(ws.revision())));
    }

    @Test
    void taskListItemsHaveTheOriginalsShape() throws Exception {
        Workspace ws = workspace();

        assertThat(sent(TaskSummaryView.of(ws, ws.tasks().get("hello-world")))).isEqualTo(json.readTree("""
                {"id": "hello-world", "name": "hello-world", "description": "Says hello", "mode": "distributed",
                 "workspace": "ws", "folder": "demo", "has_triggers": false,
                 "input": {
                   "name": {"type": "string", "required": false, "default": "World"},
                   "count": {"type": "integer", "name": "Count", "description": "How many", "required": true, "options": ["1", "2"]}
                 }}
                """));
        assertThat(sent(TaskSummaryView.of(ws, ws.tasks().get("plain")))).isEqualTo(json.readTree("""
                {"id": "plain", "name": "plain", "display_name": "Plain task", "mode": "distributed", "workspace": "ws",
                 "has_triggers": false, "input": {}}
                """));
    }

    @Test
    void taskDetailHasInputSchemaAndFlow() throws Exception {
        JsonNode view = sent(TaskDetailView.of("ws", workspace().tasks().get("hello-world"), java.util.List.of()));

        assertThat(view).isEqualTo(json.readTree("""
                {"id": "hello-world", "name": "hello-world", "description": "Says hello", "mode": "distributed",
                 "workspace": "ws", "folder": "demo",
                 "input": {
                   "name": {"type": "string", "required": false, "default": "World"},
                   "count": {"type": "integer", "name": "Count", "description": "How many", "required": true, "options": ["1", "2"]}
                 },
                 "flow": {
                   "say-hello": {"action": "greet", "depends_on": [], "input": {"name": "{{ input.name }}"}, "continue_on_failure": false},
                   "inline": {"action": "_inline:hello-world:inline", "name": "Inline", "depends_on": ["say-hello"], "input": {},
                              "continue_on_failure": true, "timeout": 10}
                 },
                 "triggers": [],
                 "timeout": 300,
                 "on_error": [{"action": "greet", "input": {}}]}
                """));
    }
}
