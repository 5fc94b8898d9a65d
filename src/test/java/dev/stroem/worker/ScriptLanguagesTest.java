package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Script actions in the languages of the original's guides/action-types.md, run with real interpreters. */
class ScriptLanguagesTest {

    @TempDir
    Path dir;

    private Path work;
    private Path workspace;
    private final List<LogLine> lines = new CopyOnWriteArrayList<>();

    @BeforeEach
    void workspaceWithFiles() throws IOException {
        work = Files.createDirectories(dir.resolve("work"));
        workspace = Files.createDirectories(dir.resolve("ws"));
        Files.createDirectories(workspace.resolve("actions"));
        Files.createDirectories(workspace.resolve("data"));
        Files.writeString(workspace.resolve("data/marker.txt"), "marker-content\n");
        Files.writeString(workspace.resolve("actions/deploy.sh"), "echo \"deploying to $1\"; cat data/marker.txt\n");
        Files.writeString(workspace.resolve("actions/report.py"),
                "import sys, os\nprint('py args', sys.argv[1:])\nprint(open('data/marker.txt').read().strip())\n");
        Files.writeString(dir.resolve("outside.sh"), "echo outside\n");
    }

    private static ActionSpec spec(String script, String source, String language, String interpreter, List<String> args) {
        return new ActionSpec(script, Map.of(), source, language, interpreter, args, null);
    }

    private StepOutcome run(ActionSpec spec) throws Exception {
        return run(new ScriptRunner(work, Duration.ofSeconds(1)), spec);
    }

    private StepOutcome run(ScriptRunner runner, ActionSpec spec) throws Exception {
        var step = new ClaimedStep("job-1", "default", "t", "s", "a", "script", "local", spec,
                new ObjectMapper().readTree("{\"name\":\"Ada\"}"), null);
        return runner.start(step, workspace, lines::add).await();
    }

    private List<String> out() {
        return lines.stream().filter(l -> l.stream() == LogStream.STDOUT).map(LogLine::line).toList();
    }

    @Test
    void shellIsTheDefaultAndArgsArePositionalParameters() throws Exception {
        StepOutcome outcome = run(spec("echo \"$1-$2\"; cat data/marker.txt", null, null, null, List.of("a", "b c")));

        assertThat(outcome.error()).isNull();
        assertThat(out()).containsExactly("a-b c", "marker-content");
    }

    @Test
    void aSourceFileRunsFromTheCheckoutWithItsArgs() throws Exception {
        StepOutcome outcome = run(spec(null, "actions/deploy.sh", null, null, List.of("staging")));

        assertThat(outcome.error()).isNull();
        assertThat(out()).containsExactly("deploying to staging", "marker-content");
    }

    @Test
    void pythonInlineSeesItsInputArgsAndTheCheckout() throws Exception {
        String script = "import json, os, sys\nprint('hello', json.loads(os.environ['STROEM_INPUT'])['name'], sys.argv[1:])\n"
                + "print(open('data/marker.txt').read().strip())\nprint('OUTPUT: {\"ok\": true}')\n";

        StepOutcome outcome = run(spec(script, null, "python", null, List.of("x")));

        assertThat(outcome.error()).isNull();
        assertThat(out()).containsExactly("hello Ada ['x']", "marker-content", "OUTPUT: {\"ok\": true}");
    }

    @Test
    void aPythonSourceFileWithTheInterpreterOverride() throws Exception {
        StepOutcome outcome = run(spec(null, "actions/report.py", "python", "python3", List.of("--fast")));

        assertThat(outcome.error()).isNull();
        assertThat(out()).containsExactly("py args ['--fast']", "marker-content");
    }

    @Test
    void javascriptInlineRunsAsAModuleWithTopLevelAwait() throws Exception {
        String script = "const v = await Promise.resolve(process.argv.slice(2).join(','));\n"
                + "console.log(`js ${v} ${JSON.parse(process.env.STROEM_INPUT).name}`);\n";

        StepOutcome outcome = run(spec(script, null, "js", null, List.of("1", "2")));

        assertThat(outcome.error()).isNull();
        assertThat(out()).containsExactly("js 1,2 Ada");
    }

    @Test
    void aMissingLanguageToolchainFailsTheStepNamingWhatItLookedFor() throws Exception {
        // A PATH with bash only: no TypeScript, Go or Python runtime on this "worker".
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("bash"), Path.of(ScriptCommand.onPath("bash").orElseThrow()));
        var runner = new ScriptRunner(work, Duration.ofSeconds(1), true, StepProcess.DRAIN_LIMIT,
                new ScriptCommand(bin.toString()));

        assertThatThrownBy(() -> run(runner, spec("console.log(1)", null, "typescript", null, null)))
                .hasMessage("typescript is not available on this worker: none of bun, deno is on its PATH");
        assertThatThrownBy(() -> run(runner, spec("package main", null, "go", null, null)))
                .hasMessage("go is not available on this worker: none of go is on its PATH");
        assertThatThrownBy(() -> run(runner, spec("print(1)", null, "python", null, null)))
                .hasMessage("python is not available on this worker: none of uv, python3, python is on its PATH");
        assertThat(run(runner, spec("echo still fine", null, "shell", null, null)).error()).isNull();
        // Nothing of the steps is left but the one empty skeleton kept for the next step.
        assertThat(runner.idleDirectories()).isEqualTo(1);
        runner.discardIdleDirectories();
        assertThat(work.resolve("steps")).isEmptyDirectory();
    }

    @Test
    void aMissingInterpreterOverrideIsNamed() {
        assertThatThrownBy(() -> run(spec("print(1)", null, "python", "python3.99-nowhere", null)))
                .hasMessage("the interpreter 'python3.99-nowhere' is not available on this worker (not found on its PATH)");
        assertThatThrownBy(() -> run(spec("print(1)", null, "python", "/nowhere/python", null)))
                .hasMessage("the interpreter '/nowhere/python' is not available on this worker (no executable file there)");
    }

    @Test
    void anUnknownLanguageIsRefused() {
        assertThatThrownBy(() -> run(spec("x", null, "cobol", null, null)))
                .hasMessage("unknown language 'cobol' (known: shell, python, javascript/js, typescript/ts, go)");
    }

    @Test
    void sourceFilesOutsideTheCheckoutAreRefused() throws IOException {
        Files.createSymbolicLink(workspace.resolve("actions/escape.sh"), dir.resolve("outside.sh"));
        Files.createSymbolicLink(workspace.resolve("linked-dir"), dir);

        assertThatThrownBy(() -> run(spec(null, "../outside.sh", null, null, null)))
                .hasMessage("source '../outside.sh' leads outside the workspace");
        assertThatThrownBy(() -> run(spec(null, "actions/../../outside.sh", null, null, null)))
                .hasMessage("source 'actions/../../outside.sh' leads outside the workspace");
        assertThatThrownBy(() -> run(spec(null, dir.resolve("outside.sh").toString(), null, null, null)))
                .hasMessageEndingWith("must be a path inside the workspace, not an absolute path");
        assertThatThrownBy(() -> run(spec(null, "actions/escape.sh", null, null, null)))
                .hasMessage("source 'actions/escape.sh' leads outside the workspace (through a symbolic link)");
        assertThatThrownBy(() -> run(spec(null, "linked-dir/outside.sh", null, null, null)))
                .hasMessage("source 'linked-dir/outside.sh' leads outside the workspace (through a symbolic link)");
        assertThatThrownBy(() -> run(spec(null, "actions/missing.sh", null, null, null)))
                .hasMessage("source file 'actions/missing.sh' is not in the workspace");
        assertThatThrownBy(() -> run(spec(null, "actions", null, null, null)))
                .hasMessage("source 'actions' is not a file");
        assertThat(out()).isEmpty();
    }
}
