package dev.stroem.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptRunnerTest {

    @TempDir
    Path work;

    private final List<LogLine> lines = new CopyOnWriteArrayList<>();
    private final List<Long> pidsToReap = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        // Only matters when a test failed: never leave a `sleep 1000` behind on a shared machine.
        pidsToReap.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private ScriptRunner runner() {
        return new ScriptRunner(work, Duration.ofSeconds(1));
    }

    private static ClaimedStep step(String script, Map<String, String> env, Long timeoutSecs) throws IOException {
        return new ClaimedStep("job-1", "default", "hello-world", "say-hello", "greet", "script", "local",
                new ActionSpec(script, env), new ObjectMapper().readTree("{\"name\":\"World\",\"n\":1}"), timeoutSecs);
    }

    private StepOutcome run(String script) throws Exception {
        return runner().start(step(script, Map.of(), null), lines::add).await();
    }

    private List<String> texts(LogStream stream) {
        return lines.stream().filter(l -> l.stream() == stream).map(LogLine::line).collect(Collectors.toList());
    }

    @Test
    void aSinkThatFailsEndsOnlyItsReaderAndTheStepsEndIsStillReported() throws Exception {
        var outcome = runner().start(step("echo a; echo b >&2; exit 3", Map.of(), null), line -> {
            if (line.stream() == LogStream.STDOUT) {
                throw new IllegalStateException("the spool is full");
            }
            lines.add(line);
        }).await();

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(texts(LogStream.STDERR)).containsExactly("b");
    }

    /** The pid a script announced with {@code echo "child $!"}. */
    private long announcedChild() {
        await().until(() -> lines.stream().anyMatch(l -> l.line().startsWith("child ")));
        long pid = Long.parseLong(lines.stream().filter(l -> l.line().startsWith("child ")).findFirst()
                .orElseThrow().line().substring("child ".length()));
        pidsToReap.add(pid);
        return pid;
    }

    /** Whether a process runs; a zombie (dead, waiting to be reaped) does not. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException gone) {
            return false;
        }
    }

    @Test
    void aZeroExitIsSuccess() throws Exception {
        StepOutcome outcome = run("echo hi");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.error()).isNull();
        assertThat(texts(LogStream.STDOUT)).containsExactly("hi");
    }

    @Test
    void aNonZeroExitFailsWithItsCode() throws Exception {
        StepOutcome outcome = run("echo before; exit 3");

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.error()).isEqualTo("Exit code: 3");
        assertThat(texts(LogStream.STDOUT)).containsExactly("before");
    }

    @Test
    void theStepSeesTheWorkerEnvironmentItsOwnEnvAndTheStroemVariables() throws Exception {
        String script = "echo \"greeting=$GREETING\"; echo \"path=$PATH\"; echo \"job=$STROEM_JOB_ID\";"
                + " echo \"step=$STROEM_STEP_NAME\"; echo \"ws=$STROEM_WORKSPACE\"; echo \"task=$STROEM_TASK_NAME\";"
                + " echo \"input=$STROEM_INPUT\"";

        runner().start(step(script, Map.of("GREETING", "Hello"), null), lines::add).await();

        assertThat(texts(LogStream.STDOUT)).containsExactly(
                "greeting=Hello", "path=" + System.getenv("PATH"), "job=job-1", "step=say-hello", "ws=default",
                "task=hello-world", "input={\"name\":\"World\",\"n\":1}");
    }

    @Test
    void eachStepRunsInItsOwnCheckoutUnderTheWorkDirThatIsDeletedAfterwards() throws Exception {
        var runner = runner();
        runner.start(step("pwd; touch left-behind", Map.of(), null), lines::add).await();
        runner.start(step("pwd; ls -A", Map.of(), null), lines::add).await();

        List<String> out = texts(LogStream.STDOUT);
        assertThat(out).as("the second step sees nothing of the first").hasSize(2);
        Path first = Path.of(out.get(0));
        assertThat(first.getFileName()).hasToString("workspace");
        assertThat(first.getParent().getParent()).isEqualTo(work.toRealPath().resolve("steps"));
        assertThat(Path.of(out.get(1))).doesNotExist();
        runner.discardIdleDirectories();
        assertThat(first.getParent()).doesNotExist();
    }

    @Test
    void aStepGetsEmptyFoldersAlsoWhenTheyAreKeptFromTheStepBefore() throws Exception {
        var runner = runner();
        String writeEverywhere = "for v in WORKSPACE_DIR ARTIFACTS_DIR STATE_DIR STATE_OUT_DIR GLOBAL_STATE_DIR GLOBAL_STATE_OUT_DIR; do"
                + " eval d=\\$$v; mkdir -p \"$d/sub\"; echo x > \"$d/sub/file\"; echo x > \"$d/file\"; done;"
                + " echo x > \"$WORKSPACE_DIR/../stray\"; echo \"root=$(dirname \"$WORKSPACE_DIR\")\"";
        assertThat(runner.start(step(writeEverywhere, Map.of(), null), lines::add).await().exitCode()).isZero();
        assertThat(runner.idleDirectories()).isEqualTo(1);

        String listEverything = "echo \"root=$(dirname \"$WORKSPACE_DIR\")\"; ls -A \"$(dirname \"$WORKSPACE_DIR\")\";"
                + " for v in WORKSPACE_DIR ARTIFACTS_DIR STATE_DIR STATE_OUT_DIR GLOBAL_STATE_DIR GLOBAL_STATE_OUT_DIR; do"
                + " eval d=\\$$v; ls -A \"$d\"; done";
        assertThat(runner.start(step(listEverything, Map.of(), null), lines::add).await().exitCode()).isZero();

        List<String> out = texts(LogStream.STDOUT);
        assertThat(out.get(1)).as("the same skeleton served both steps").isEqualTo(out.get(0));
        assertThat(out.subList(2, out.size())).as("the root holds the six folders, every one empty")
                .containsExactlyInAnyOrder("artifacts", "global-state", "global-state-out", "state", "state-out", "workspace");
    }

    @Test
    void aFolderAStepReplacedWithALinkIsNeverEmptiedThroughItAndTheSkeletonIsNotKept(@TempDir Path outside)
            throws Exception {
        Files.writeString(outside.resolve("precious"), "keep me");
        var runner = runner();
        String script = "rm -rf \"$ARTIFACTS_DIR\" && ln -s \"" + outside + "\" \"$ARTIFACTS_DIR\" && echo \"root=$(dirname \"$WORKSPACE_DIR\")\"";

        StepOutcome outcome = runner.start(step(script, Map.of(), null), lines::add).await();

        assertThat(outcome.exitCode()).isZero();
        assertThat(outside.resolve("precious")).hasContent("keep me");
        Path root = Path.of(texts(LogStream.STDOUT).get(0).substring("root=".length()));
        assertThat(runner.idleDirectories()).isZero();
        assertThat(root).doesNotExist();
    }

    @Test
    void aStepThatLeftProcessesBehindLeavesNoFoldersForTheNext() throws Exception {
        var runner = runner();
        StepOutcome outcome = runner.start(step("sleep 1000 & echo \"child $!\"", Map.of(), null), lines::add).await();

        assertThat(outcome.exitCode()).isZero();
        announcedChild();
        assertThat(runner.idleDirectories()).isZero();
        assertThat(Files.list(work.resolve("steps")).toList()).isEmpty();
    }

    @Test
    void everyFolderVariableTheOriginalSetsNamesAFolderOfTheStep() throws Exception {
        String script = "for v in WORKSPACE_DIR ARTIFACTS_DIR STATE_DIR STATE_OUT_DIR GLOBAL_STATE_DIR GLOBAL_STATE_OUT_DIR; do"
                + " eval d=\\$$v; [ -d \"$d\" ] && [ -z \"$(ls -A \"$d\")\" ] && echo \"$v=$d\"; done;"
                + " echo report > \"$ARTIFACTS_DIR/report.txt\" && echo wrote; echo \"pwd=$(pwd)\"";

        StepOutcome outcome = runner().start(step(script, Map.of("ARTIFACTS_DIR", ""), null), lines::add).await();

        assertThat(outcome.exitCode()).isZero();
        List<String> out = texts(LogStream.STDOUT);
        assertThat(out).hasSize(8).contains("wrote");
        Path workspace = Path.of(out.get(0).substring("WORKSPACE_DIR=".length()));
        assertThat(out.get(7)).isEqualTo("pwd=" + workspace);
        Path stepRoot = workspace.getParent();
        assertThat(stepRoot.getParent()).isEqualTo(work.toRealPath().resolve("steps"));
        assertThat(out.subList(0, 6)).containsExactly(
                "WORKSPACE_DIR=" + workspace,
                "ARTIFACTS_DIR=" + stepRoot.resolve("artifacts"),
                "STATE_DIR=" + stepRoot.resolve("state"),
                "STATE_OUT_DIR=" + stepRoot.resolve("state-out"),
                "GLOBAL_STATE_DIR=" + stepRoot.resolve("global-state"),
                "GLOBAL_STATE_OUT_DIR=" + stepRoot.resolve("global-state-out"));
        assertThat(workspace).doesNotExist();
        assertThat(stepRoot.resolve("artifacts/report.txt")).doesNotExist();
    }

    @Test
    void aFailedStepsErrorCarriesTheTailOfItsStderr() throws Exception {
        StepOutcome outcome = run("echo progress; for i in $(seq 1 30); do echo \"err $i\" >&2; done; exit 4");

        String expectedTail = IntStream.rangeClosed(11, 30).mapToObj(i -> "err " + i).collect(Collectors.joining("\n"));
        assertThat(outcome.error()).isEqualTo("Exit code: 4\nStderr: " + expectedTail);
    }

    @Test
    void aLongStderrIsCutTo2000CharactersInTheError() throws Exception {
        StepOutcome outcome = run("head -c 5000 /dev/zero | tr '\\0' 'e' >&2; echo >&2; echo 'the last words' >&2; exit 1");

        assertThat(outcome.error()).startsWith("Exit code: 1\nStderr: …").endsWith("e\nthe last words");
        assertThat(outcome.error().length()).isEqualTo("Exit code: 1\nStderr: ".length() + OutputTail.MAX_CHARS);
    }

    @Test
    void aPythonCrashsErrorEndsWithTheExceptionLine() throws Exception {
        StepOutcome outcome = run("python3 -c 'import json; d = {}; print(d[\"missing_key\"])'");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.error()).startsWith("Exit code: 1\nStderr: Traceback (most recent call last):")
                .endsWith("KeyError: 'missing_key'");
    }

    @Test
    void stdoutAndStderrAreSeparatedAndEachKeepsItsOrder() throws Exception {
        run("for i in $(seq 1 300); do echo \"out $i\"; echo \"err $i\" >&2; done");

        assertThat(texts(LogStream.STDOUT)).containsExactlyElementsOf(
                IntStream.rangeClosed(1, 300).mapToObj(i -> "out " + i).collect(Collectors.toList()));
        assertThat(texts(LogStream.STDERR)).containsExactlyElementsOf(
                IntStream.rangeClosed(1, 300).mapToObj(i -> "err " + i).collect(Collectors.toList()));
        assertThat(lines).allSatisfy(l -> assertThat(l.step()).isEqualTo("say-hello"));
    }

    @Test
    void aPartialLastLineIsKept() throws Exception {
        run("printf 'one\\ntwo'; printf 'err-partial' >&2");

        assertThat(texts(LogStream.STDOUT)).containsExactly("one", "two");
        assertThat(texts(LogStream.STDERR)).containsExactly("err-partial");
    }

    @Test
    void invalidUtf8IsMadeValidNotDropped() throws Exception {
        run("printf 'a\\xff\\xfeb\\n'; printf '\\xff\\xfe'");

        assertThat(texts(LogStream.STDOUT)).containsExactly("a\uFFFD\uFFFDb", "\uFFFD\uFFFD");
    }

    @Test
    void a200KibLineIsCutInto64KibPiecesWithContinuationMarkers() throws Exception {
        run("head -c 204800 /dev/zero | tr '\\0' 'x'; echo; echo after");

        List<String> out = texts(LogStream.STDOUT);
        assertThat(out).hasSize(5).endsWith("after");
        List<String> pieces = out.subList(0, 4);
        assertThat(pieces).allSatisfy(p ->
                assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LineSplitter.MAX_LINE_BYTES));
        assertThat(pieces.get(0)).doesNotStartWith("↪");
        assertThat(pieces.subList(1, 4)).allSatisfy(p -> assertThat(p).startsWith("↪ "));
        String rejoined = pieces.get(0) + pieces.subList(1, 4).stream().map(p -> p.substring(2)).collect(Collectors.joining());
        assertThat(rejoined).isEqualTo("x".repeat(204800));
    }

    @Test
    void aScriptReadingStdinGetsEndOfFile() throws Exception {
        StepOutcome outcome = run("cat; echo done");

        assertThat(outcome.exitCode()).isZero();
        assertThat(texts(LogStream.STDOUT)).containsExactly("done");
    }

    @Test
    void aTimeoutKillsTheWholeProcessTreeIncludingABackgroundGrandchild() throws Exception {
        StepProcess process = runner().start(step("sleep 1000 & echo \"child $!\"; sleep 1000", Map.of(), 1L), lines::add);
        pidsToReap.add(process.pid());

        StepOutcome outcome = process.await();

        assertThat(outcome.error()).isEqualTo("Step timed out after 1s");
        assertThat(outcome.stoppedBy()).isEqualTo(StopReason.TIMEOUT);
        long child = announcedChild();
        await().untilAsserted(() -> {
            assertThat(running(child)).as("background sleep %d", child).isFalse();
            assertThat(running(process.pid())).as("bash %d", process.pid()).isFalse();
        });
    }

    @Test
    void cancellationKillsTheWholeProcessTree() throws Exception {
        StepProcess process = runner().start(step("sleep 1000 & echo \"child $!\"; sleep 1000", Map.of(), null), lines::add);
        pidsToReap.add(process.pid());
        long child = announcedChild();

        process.stop(StopReason.CANCELLED);
        StepOutcome outcome = process.await();

        assertThat(outcome.error()).isEqualTo("Cancelled");
        await().untilAsserted(() -> {
            assertThat(running(child)).isFalse();
            assertThat(running(process.pid())).isFalse();
        });
    }

    @Test
    void aTreeIgnoringSigtermIsKilledWithSigkill() throws Exception {
        StepProcess process = runner().start(
                step("trap '' TERM; sleep 1000 & echo \"child $!\"; sleep 1000", Map.of(), null), lines::add);
        pidsToReap.add(process.pid());
        long child = announcedChild();

        process.stop(StopReason.SHUTDOWN);
        StepOutcome outcome = process.await();

        assertThat(outcome.error()).isEqualTo("Worker shut down");
        await().untilAsserted(() -> assertThat(running(child)).isFalse());
    }

    @Test
    void withoutProcessGroupsTheTreeIsKilledThroughItsDescendants() throws Exception {
        var withoutSetsid = new ScriptRunner(work, Duration.ofSeconds(1), false);
        StepProcess process = withoutSetsid.start(step("sleep 1000 & echo \"child $!\"; sleep 1000", Map.of(), 1L), lines::add);
        pidsToReap.add(process.pid());

        StepOutcome outcome = process.await();

        assertThat(outcome.error()).isEqualTo("Step timed out after 1s");
        long child = announcedChild();
        await().untilAsserted(() -> assertThat(running(child)).isFalse());
    }

    @Test
    void backgroundProcessesLeftByAFinishedScriptAreKilled() throws Exception {
        StepProcess process = runner().start(step("sleep 1000 & echo \"child $!\"; echo done", Map.of(), null), lines::add);
        pidsToReap.add(process.pid());

        StepOutcome outcome = process.await();

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.error()).isNull();
        assertThat(texts(LogStream.STDOUT)).endsWith("done");
        long child = announcedChild();
        await().untilAsserted(() -> assertThat(running(child)).isFalse());
    }
    @Test
    void defect7_aProcessThatEscapedTheGroupAndPrintsAfterTheDrainLimit_isCountedAndDropped() throws Exception {
        // A real escaped process: its own session (setsid), its parent gone, so neither the group
        // kill nor the descendants walk reaches it, and it keeps the step's output pipes open. It is
        // quiet while the step ends (so the worker's readers are still blocked on its pipes when the
        // drain limit passes) and starts printing for ever when the test says so.
        Path go = work.resolve("go");
        var runner = new ScriptRunner(work, Duration.ofSeconds(1), true, Duration.ofMillis(300));
        StepProcess process = runner.start(step("( setsid sh -c 'echo \"child $$\"; echo $$ > escaped.pid; "
                + "while [ ! -e " + go + " ]; do sleep 0.05; done; while :; do echo tick; sleep 0.01; done' & ); "
                // The script ends only once the process left its group (else the group kill may still reach it).
                + "while [ ! -s escaped.pid ]; do sleep 0.01; done; echo started", Map.of(), null), lines::add);
        pidsToReap.add(process.pid());
        long child = announcedChild();

        StepOutcome outcome = process.await();
        int keptAtTheEnd = lines.size();

        assertThat(outcome.exitCode()).isZero();
        assertThat(texts(LogStream.STDERR)).anySatisfy(l -> assertThat(l)
                .startsWith("[worker] a process that left the step's process group still holds its output")
                .endsWith("what it prints from now on is dropped"));
        Files.writeString(go, "");
        // It prints (until the JVM closes the pipe under it, which it may, and then it dies of SIGPIPE):
        // the worker counts what it reads and keeps none of it.
        await().atMost(Duration.ofSeconds(30)).until(() -> process.droppedAfterEnd() >= 20 || !running(child));
        assertThat(lines).hasSize(keptAtTheEnd);
    }
}
