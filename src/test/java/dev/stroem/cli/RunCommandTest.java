package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stroem run} runs each step as a worker would: in a copy of the workspace folder as its
 * working directory, with the step's folders ({@code WORKSPACE_DIR} …) set; the folder itself is
 * never changed by a step, and nothing is left behind.
 */
class RunCommandTest {

    @TempDir
    Path ws;

    private record Run(int exit, String out, String err) {}

    private Run stroem(String... args) {
        var cli = StroemCommand.commandLine(Map.of());
        var out = new StringWriter();
        var err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void stepsRunInACopyOfTheWorkspaceWithTheWorkersFolders() throws Exception {
        Files.createDirectories(ws.resolve(".workflows"));
        Files.createDirectories(ws.resolve("data"));
        Files.createDirectories(ws.resolve("scripts"));
        Files.writeString(ws.resolve("data/marker.txt"), "from the workspace\n");
        Files.writeString(ws.resolve("scripts/count.sh"), "wc -l < data/marker.txt | tr -d ' '\n");
        Files.writeString(ws.resolve(".workflows/t.yaml"), """
                tasks:
                  local:
                    flow:
                      read:
                        type: script
                        script: |
                          cat data/marker.txt
                          [ "$(pwd -P)" = "$WORKSPACE_DIR" ] && echo "cwd is WORKSPACE_DIR"
                          echo "checkout $WORKSPACE_DIR"
                          for v in ARTIFACTS_DIR STATE_DIR STATE_OUT_DIR GLOBAL_STATE_DIR GLOBAL_STATE_OUT_DIR; do
                            eval "d=\\$$v"; [ -d "$d" ] && [ "$d" != / ] && echo "$v is a folder"
                          done
                          echo changed > data/marker.txt
                      source-file:
                        type: script
                        source: scripts/count.sh
                        depends_on: [read]
                      again:
                        type: script
                        depends_on: [source-file]
                        script: cat data/marker.txt
                """);

        Run run = stroem("run", "local", "--path", ws.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains(
                "[read] from the workspace",
                "[read] cwd is WORKSPACE_DIR",
                "[read] ARTIFACTS_DIR is a folder", "[read] STATE_DIR is a folder", "[read] STATE_OUT_DIR is a folder",
                "[read] GLOBAL_STATE_DIR is a folder", "[read] GLOBAL_STATE_OUT_DIR is a folder",
                "[source-file] 1",
                // Each step has its own copy: what the first step wrote is not what the third reads.
                "[again] from the workspace");
        assertThat(Files.readString(ws.resolve("data/marker.txt"))).isEqualTo("from the workspace\n");
        var checkout = Pattern.compile("\\[read] checkout (\\S+)").matcher(run.out());
        assertThat(checkout.find()).isTrue();
        Path used = Path.of(checkout.group(1));
        assertThat(used).isNotEqualTo(ws.toRealPath());
        assertThat(used).doesNotExist();
    }
}
