package dev.stroem.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Starts script steps ({@link ScriptCommand}: shell, Python, JavaScript, TypeScript, Go; inline or
 * a {@code source} file of the checkout) in a {@link StepDirectory} under the worker's work dir
 * (a fresh checkout; empty folders, kept from an earlier step by {@link StepDirectories}), the
 * checkout as the working directory, with the worker's environment, the step's
 * {@code action_spec.env}, the step's folders ({@code WORKSPACE_DIR} …) and the {@code STROEM_*}
 * variables. Each step leads its own process group when {@code setsid} is
 * installed, so ending it reaches every process it started.
 */
public final class ScriptRunner {

    private final ObjectMapper json = new ObjectMapper();
    private final Duration killGrace;
    private final Duration drainLimit;
    private final String setsid;
    private final String kill;
    private final ScriptCommand commands;
    private final StepDirectories dirs;
    private final OutputReaders readers = new OutputReaders();

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
        this(workDir, killGrace, processGroups, drainLimit, ScriptCommand.onWorkerPath());
    }

    /** With {@code commands}: where interpreters are found. */
    ScriptRunner(Path workDir, Duration killGrace, boolean processGroups, Duration drainLimit, ScriptCommand commands) {
        this.commands = commands;
        this.drainLimit = drainLimit;
        this.dirs = new StepDirectories(workDir);
        this.killGrace = killGrace;
        this.kill = ScriptCommand.onPath("kill").orElse(null);
        this.setsid = kill == null || !processGroups ? null : ScriptCommand.onPath("setsid").orElse(null);
    }

    /**
     * Starts the step's script; every line it prints goes to {@code sink}, from two threads (one
     * per stream, kept for the next steps by {@link OutputReaders}), stamped when read. The caller
     * must {@link StepProcess#await()} the result.
     */
    public StepProcess start(ClaimedStep step, Consumer<LogLine> sink) throws IOException {
        return start(step, null, sink);
    }

    /**
     * As {@link #start(ClaimedStep, Consumer)}, with the step's checkout a copy of
     * {@code workspaceFiles} (an unpacked workspace revision); null: an empty checkout.
     */
    public StepProcess start(ClaimedStep step, Path workspaceFiles, Consumer<LogLine> sink) throws IOException {
        try {
            return start(step, workspaceFiles, sink, StepFolderHook.NONE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted before the step started", e);
        }
    }

    /**
     * As {@link #start(ClaimedStep, Path, Consumer)}, with {@code hook} run on the step's folders
     * before its script starts and after it ended (before the folders are deleted).
     */
    StepProcess start(ClaimedStep step, Path workspaceFiles, Consumer<LogLine> sink, StepFolderHook hook)
            throws IOException, InterruptedException {
        ActionSpec spec = step.actionSpec();
        if (spec == null) {
            throw new IOException("the step has no script to run");
        }
        StepDirectory dir = dirs.acquire();
        Process process;
        try {
            if (workspaceFiles != null) {
                dir.fillWorkspace(workspaceFiles);
            }
            hook.beforeStart(dir, sink);
            List<String> argv = commands.build(spec, dir);
            if (!spec.dependencies().isEmpty()) {
                sink.accept(new LogLine(Instant.now().truncatedTo(ChronoUnit.MILLIS), LogStream.STDERR, step.stepName(),
                        "[worker] this worker does not install dependencies (" + String.join(", ", spec.dependencies())
                                + "); the script runs with what the machine has"));
            }
            var command = new ProcessBuilder(setsid != null ? prepend(setsid, argv) : argv);
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
            process = command.start();
        } catch (IOException | InterruptedException | RuntimeException e) {
            dirs.release(dir, true); // nothing ran: what the hook or the checkout wrote is deleted
            throw e;
        }
        var tree = new ProcessTree(process, setsid != null, kill);
        return new StepProcess(step, process, tree, dir, dirs, hook, killGrace, drainLimit, readers, sink);
    }

    /** Deletes the empty step folders kept for the next steps (the worker stops). */
    public void discardIdleDirectories() {
        dirs.discardIdle();
    }

    /** How many empty step directories are kept for the next steps. */
    int idleDirectories() {
        return dirs.idle();
    }

    private static List<String> prepend(String first, List<String> rest) {
        var all = new ArrayList<String>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
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

}
