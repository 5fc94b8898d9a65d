package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private Run validate(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var cli = StroemCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] full = new String[args.length + 1];
        full[0] = "validate";
        System.arraycopy(args, 0, full, 1, args.length);
        int exit = cli.execute(full);
        return new Run(exit, out.toString(), err.toString());
    }

    private void write(String relative, String content) throws IOException {
        Path path = dir.resolve(relative);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
    }

    @Test
    void aValidWorkspaceExitsZeroWithASummary() throws IOException {
        write(".workflows/a.yaml", """
                actions:
                  greet: { type: script, script: echo hi }
                tasks:
                  t: { flow: { s: { action: greet } } }
                """);

        Run run = validate(dir.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("OK: 1 task and 1 action in " + dir.toAbsolutePath() + ".\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void theWorkflowsFolderItselfCanBeGiven() throws IOException {
        write(".workflows/a.yaml", "actions:\n  greet: { type: script, script: echo hi }\n");

        Run run = validate(dir.resolve(".workflows").toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("OK: 0 tasks and 1 action in " + dir.toAbsolutePath());
    }

    @Test
    void problemsArePrintedOnePerLineAndExitOne() throws IOException {
        write(".workflows/a.yaml", """
                actions:
                  greet: { type: script, script: echo hi }
                tasks:
                  t:
                    flow:
                      s: { action: gret }
                  u:
                    flow:
                      a: { action: greet, depends_on: [b] }
                      b: { action: greet, depends_on: [a] }
                  fine: { flow: { s: { action: greet } } }
                """);
        write(".workflows/b.yaml", "tasks:\n  x:\n    flow:\n      s: { action: greet\n");

        Run run = validate(dir.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out().lines()).containsExactly(
                ".workflows/a.yaml: u: dependency cycle: a → b → a",
                ".workflows/a.yaml: t/s: step references unknown action 'gret'",
                ".workflows/b.yaml:4: YAML syntax error: while parsing a flow mapping; expected ',' or '}', but got <stream end>",
                "3 problems in 2 files; 1 task and 1 action valid.");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aMissingFolderExitsTwoWithOneSentenceOnStderr() {
        Run run = validate(dir.resolve("nope").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("stroem validate: " + dir.resolve("nope") + " does not exist.\n");
    }

    @Test
    void aSingleFileIsValidatedOnItsOwn() throws IOException {
        write("file.yaml", "tasks: {}\n");

        Run run = validate(dir.resolve("file.yaml").toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("OK: 0 tasks and 0 actions");
    }

    @Test
    void theExampleWorkspaceIsValid() {
        Run run = validate("examples/workspace");

        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).startsWith("OK: 5 tasks and 4 actions in ");
    }

    @Test
    void undefinedTemplateNamesAreProblemsAndUndeclaredInputAWarning() throws IOException {
        write(".workflows/a.yaml", """
                tasks:
                  deploy:
                    input:
                      env: { type: string }
                    flow:
                      build:
                        type: script
                        script: |
                          echo 'OUTPUT: {"version": "1.2"}'
                      ship:
                        depends_on: [build]
                        type: script
                        script: echo {{ biuld.output.version }} {{ input.envv }}
                        input:
                          target: "{{ input.region }}"
                """);

        Run run = validate(dir.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out().lines()).containsExactly(
                ".workflows/a.yaml: deploy/ship: Template step 'ship' script: no step 'biuld' in this task "
                        + "(biuld.output.version)",
                ".workflows/a.yaml: deploy/ship: Template step 'ship' script: input.envv is not in the step's input:, "
                        + "which is what its script sees as input",
                "warning: .workflows/a.yaml: deploy/ship: Template step 'ship' input 'target': input.region is not an "
                        + "input of task 'deploy'; it renders only when the caller passes it",
                "2 problems in 1 file; 0 tasks and 0 actions valid.");
        assertThat(run.err()).isEmpty();
    }
}
