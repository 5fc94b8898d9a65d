package dev.stroem.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.logs.LogLine;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Starts script steps: {@code bash -c <script>} in a fresh {@link StepDirectory} under the
 * worker's work dir, its workspace checkout as the working directory, with the worker's
 * environment, the step's {@code action_spec.env}, the step's folders ({@code WORKSPACE_DIR} …)
 * and the {@code STROEM_*} variables. Each step leads its own process group when {@code setsid} is installed, so ending
 * it reaches every process it started.
 */
public final class ScriptRunner {

    private final ObjectMapper json = new ObjectMapper();
    private final Path workDir;
    private final Duration killGrace;
    private final Duration drainLimit;
    private final String setsid;
    private final String kill;

    /**
     * @param workDir where each step gets its own directory (created when missing)
     * @param killGrace how long a process tree has between SIGTERM and SIGKILL
     */
    public ScriptRunner(Path workDir, Duration killGrace) {
        this(workDir, killGrace, true);
    }

    /** With {@code processGroups} false, steps are ended through the descendants the JVM sees. */
    ScriptRunner(Path workDir, Duration killGrace, boolean processGroups) {
        this(workDir, killGrace, processGroups, StepProcess.DRAIN_LIMIT);
    }

    /** With {@code drainLimit}: how long output may keep flowing after the step's script ended. */
    ScriptRunner(Path workDir, Duration killGrace, boolean processGroups, Duration drainLimit) {
        this.drainLimit = drainLimit;
        this.workDir = workDir;
        this.killGrace = killGrace;
        this.kill = onPath("kill").orElse(null);
        this.setsid = kill == null || !processGroups ? null : onPath("setsid").orElse(null);
    }

    /**
     * Starts the step's script; every line it prints goes to {@code sink}, from two threads (one
     * per stream), stamped when read. The caller must {@link StepProcess#await()} the result.
     */
    public StepProcess start(ClaimedStep step, Consumer<LogLine> sink) throws IOException {
        ActionSpec spec = step.actionSpec();
        if (spec == null || spec.script() == null || spec.script().isBlank()) {
            throw new IOException("the step has no script to run");
        }
        StepDirectory dir = StepDirectory.create(workDir);
        var command = setsid != null
                ? new ProcessBuilder(setsid, "bash", "-c", spec.script())
                : new ProcessBuilder("bash", "-c", spec.script());
        command.directory(dir.workspace().toFile());
        var env = command.environment();
        env.putAll(spec.env());
        // After the step's own env: these always name the step's folders, never something a
        // template left empty (a script writing "$ARTIFACTS_DIR/x" must not write to /x).
        env.putAll(dir.environment());
        env.put("STROEM_JOB_ID", step.jobId());
        env.put("STROEM_STEP_NAME", step.stepName());
        env.put("STROEM_WORKSPACE", nullToEmpty(step.workspace()));
        env.put("STROEM_TASK_NAME", nullToEmpty(step.taskName()));
        env.put("STROEM_INPUT", inputJson(step));
        // A script reading stdin gets end-of-file instead of waiting forever.
        command.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process;
        try {
            process = command.start();
        } catch (IOException e) {
            StepProcess.deleteTree(dir.root());
            throw e;
        }
        var tree = new ProcessTree(process, setsid != null, kill);
        return new StepProcess(step, process, tree, dir.root(), killGrace, drainLimit, sink);
    }

    private String inputJson(ClaimedStep step) {
        if (step.input() == null || step.input().isNull() || step.input().isMissingNode()) {
            return "{}";
        }
        try {
            return json.writeValueAsString(step.input());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serialises", e);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static Optional<String> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }
}
