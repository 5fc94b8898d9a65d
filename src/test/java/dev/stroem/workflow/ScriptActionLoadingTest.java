package dev.stroem.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code source:} files, {@code language:}, {@code interpreter:}, {@code args:} and {@code dependencies:}. */
class ScriptActionLoadingTest {
    @TempDir
    Path dir;

    private WorkflowFixture ws;

    @BeforeEach
    void setUp() {
        ws = new WorkflowFixture(dir);
    }

    private void write(String path, String content) throws IOException {
        Files.createDirectories(dir.resolve(path).getParent());
        Files.writeString(dir.resolve(path), content);
    }

    @Test
    void sourceFilesLanguagesAndInterpretersLoadAndRender() throws IOException {
        write("actions/deploy.sh", "echo deploying \"$1\"\n");
        write("scripts/crash.py", "raise KeyError('missing_key')\n");
        ws.file("a.yaml", """
                actions:
                  deploy:
                    type: script
                    source: ./actions/../actions/deploy.sh
                    args: ["{{ input.env }}", "--fast"]
                    input:
                      env: { type: string, default: staging }
                  crash:
                    type: script
                    language: python
                    interpreter: python3
                    source: scripts/crash.py
                  analyse:
                    type: script
                    language: js
                    dependencies: [lodash]
                    script: console.log("{{ input.n }}")
                tasks:
                  pipeline:
                    flow:
                      deploy: { action: deploy }
                      inline-go:
                        type: script
                        language: go
                        script: "package main\\nfunc main() {}"
                """);

        Workspace workspace = ws.load();

        assertThat(workspace.errors()).isEmpty();
        Action deploy = workspace.actions().get("deploy");
        assertThat(deploy.source()).isEqualTo("actions/deploy.sh");
        assertThat(deploy.script()).isNull();
        assertThat(workspace.actions().get("crash").language()).isEqualTo("python");
        assertThat(workspace.actions().get("crash").interpreter()).isEqualTo("python3");
        assertThat(workspace.actions().get("analyse").dependencies()).containsExactly("lodash");

        var planner = new JobPlanner();
        Task task = workspace.tasks().get("pipeline");
        RenderedAction rendered = planner.renderStep(workspace, task, "deploy", Map.of(), Map.of());
        assertThat(rendered.source()).isEqualTo("actions/deploy.sh");
        assertThat(rendered.script()).isNull();
        assertThat(rendered.args()).containsExactly("staging", "--fast");
        RenderedAction inline = planner.renderStep(workspace, task, "inline-go", Map.of(), Map.of());
        assertThat(inline.language()).isEqualTo("go");
    }

    @Test
    void sourcesOutsideTheWorkspaceMissingOrThroughSymlinksAreRefused() throws IOException {
        write("real/run.sh", "echo hi\n");
        Path outside = Files.createTempDirectory("outside");
        Files.writeString(outside.resolve("evil.sh"), "rm -rf /\n");
        Files.createSymbolicLink(dir.resolve("linked"), outside);
        Files.createSymbolicLink(dir.resolve("link.sh"), dir.resolve("real/run.sh"));
        ws.file("a.yaml", """
                actions:
                  up: { type: script, source: ../outside/evil.sh }
                  absolute: { type: script, source: /etc/passwd }
                  missing: { type: script, source: nowhere.sh }
                  via-dir: { type: script, source: linked/evil.sh }
                  via-link: { type: script, source: link.sh }
                  both: { type: script, source: real/run.sh, script: echo }
                  neither: { type: script }
                  deps: { type: script, script: echo, dependencies: [x] }
                  fine: { type: script, source: real/run.sh }
                tasks:
                  t:
                    flow:
                      inline: { type: script, source: gone.sh }
                  u:
                    flow:
                      s: { action: fine, source: real/run.sh }
                """);

        Workspace workspace = ws.load();

        assertThat(workspace.errors()).extracting(WorkflowError::describe).containsExactlyInAnyOrder(
                ".workflows/a.yaml: action up: source '../outside/evil.sh' must be a relative path inside the workspace",
                ".workflows/a.yaml: action absolute: source '/etc/passwd' must be a relative path inside the workspace",
                ".workflows/a.yaml: action missing: source 'nowhere.sh' is not a file of the workspace",
                ".workflows/a.yaml: action via-dir: source 'linked/evil.sh' goes through the symlink 'linked'; symlinks are"
                        + " not part of a workspace, so the file would not be there on a worker",
                ".workflows/a.yaml: action via-link: source 'link.sh' goes through the symlink 'link.sh'; symlinks are"
                        + " not part of a workspace, so the file would not be there on a worker",
                ".workflows/a.yaml: action both: a script action has either 'script' (inline) or 'source' (a file), not both",
                ".workflows/a.yaml: action neither: 'script' or 'source' is required for a script action",
                ".workflows/a.yaml: action deps: 'dependencies' needs a 'language' other than shell",
                ".workflows/a.yaml: t/inline: source 'gone.sh' is not a file of the workspace",
                ".workflows/a.yaml: u/s: 'script', 'source', 'env', 'tags', 'runner', 'language', 'interpreter', 'args' and"
                        + " 'dependencies' belong on the action, not on a step that references action 'fine'");
        assertThat(workspace.actions()).containsOnlyKeys("fine");
        assertThat(workspace.tasks()).isEmpty();
    }
}
