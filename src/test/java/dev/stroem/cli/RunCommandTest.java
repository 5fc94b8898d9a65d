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

    @Test
    void whenConditionsAndForEachLoopsRunAsOnTheServer() throws Exception {
        Files.createDirectories(ws.resolve(".workflows"));
        Files.writeString(ws.resolve(".workflows/t.yaml"), """
                tasks:
                  fan:
                    input:
                      deploy: { type: boolean, default: false }
                    flow:
                      list:
                        type: script
                        script: |
                          echo 'OUTPUT: {"regions": ["eu", "us"]}'
                      per-region:
                        depends_on: [list]
                        for_each: "{{ list.output.regions | json_encode }}"
                        type: script
                        input:
                          region: "{{ each.item }}"
                          index: "{{ each.index }}"
                        script: |
                          echo "{{ input.index }}:{{ input.region }}"
                          echo 'OUTPUT: {"done": "{{ input.region }}"}'
                      summary:
                        depends_on: [per-region]
                        type: script
                        script: echo "all={{ per_region.output | map(attribute='done') | join(sep=',') }}"
                      deploy:
                        depends_on: [summary]
                        when: "{{ input.deploy }}"
                        type: script
                        script: echo deploying
                """);

        Run run = stroem("run", "fan", "--path", ws.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("[per-region[0]] 0:eu", "[per-region[1]] 1:us", "[summary] all=eu,us")
                .doesNotContain("deploying");
        assertThat(run.err()).contains("[deploy] skipped: its when condition is false", "Task fan completed.");

        Run deploying = stroem("run", "fan", "--path", ws.toString(), "--input", "deploy=true");
        assertThat(deploying.exit()).as(deploying.err()).isZero();
        assertThat(deploying.out()).contains("[deploy] deploying");
    }
}
