package dev.stroem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.DagEvaluation;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.JobStep;
import dev.stroem.jobs.StepStatus;
import dev.stroem.logs.LogStream;
import dev.stroem.workflow.InputException;
import dev.stroem.workflow.JobPlanner;
import dev.stroem.workflow.Task;
import dev.stroem.workflow.TemplateException;
import dev.stroem.workflow.Workspace;
import dev.stroem.workflow.WorkspaceArchive;
import dev.stroem.worker.ActionSpec;
import dev.stroem.worker.ClaimedStep;
import dev.stroem.worker.ScriptRunner;
import dev.stroem.worker.StepOutputScanner;
import dev.stroem.worker.StepProcess;
import dev.stroem.worker.StopReason;
import dev.stroem.worker.WorkspaceUnpacker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stroem run TASK [--input JSON|K=V]… [--path DIR]}: runs a task of a local workspace
 * without a server, step by step in flow order with the worker's shell runner and the server's
 * DAG rules ({@link DagEvaluation}) and templates. Each step runs as on a worker: in its own copy
 * of the workspace, with {@code WORKSPACE_DIR}, {@code ARTIFACTS_DIR}, … set. Each line is printed
 * as {@code [step] line}.
 * Exit code: 0 completed, 1 failed, 2 cancelled (Ctrl+C), 3 the task could not start.
 */
@Command(name = "run", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = {"Run a task of the workspace at --path locally, without a server.",
                "Exit code: 0 completed, 1 failed, 2 cancelled, 3 error."})
public final class RunCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    WorkspacePath workspace;

    @Parameters(paramLabel = "TASK", description = "The task to run.")
    String taskName;

    @Option(names = {"-i", "--input"}, paramLabel = "JSON|KEY=VALUE",
            description = "The task's input as a JSON object, or one KEY=VALUE; repeat for more.")
    List<String> inputs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Workspace ws = workspace.loadReporting(err);
        Task task = ws.task(taskName).orElseThrow(() -> new CliException("no task named \"" + taskName + "\" in "
                + workspace.root() + " (stroem tasks lists them)"));
        for (var step : task.steps()) {
            if (!dev.stroem.workflow.Action.TYPE_SCRIPT.equals(step.action().type())) {
                throw new CliException("step '" + step.name() + "' is of type " + step.action().type()
                        + "; stroem run runs script steps only");
            }
        }
        var planner = new JobPlanner();
        Map<String, Object> jobInput;
        try {
            jobInput = planner.resolveTaskInput(task, TriggerCommand.parseInputs(inputs));
        } catch (InputException e) {
            throw new CliException(e.getMessage());
        }
        Path workDir = Files.createTempDirectory("stroem-run-");
        Path revision;
        try {
            revision = checkout(ws, workDir);
        } catch (IOException e) {
            deleteQuietly(workDir);
            throw new CliException("the workspace " + workspace.root() + " could not be prepared for the run: " + e.getMessage());
        }
        var runner = new ScriptRunner(workDir, Duration.ofSeconds(5));
        var current = new AtomicReference<StepProcess>();
        var cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        // Ctrl+C: the running step's process tree is stopped, the rest is not started.
        Thread onInterrupt = new Thread(() -> {
            cancelled.set(true);
            var p = current.get();
            if (p != null) {
                p.stop(StopReason.CANCELLED);
            }
        }, "stroem-run-cancel");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            return runSteps(ws, task, planner, jobInput, runner, revision, current, cancelled, out, err);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl+C: the hook is running.
            }
            deleteQuietly(workDir);
        }
    }

    private int runSteps(Workspace ws, Task task, JobPlanner planner, Map<String, Object> jobInput, ScriptRunner runner,
            Path revision, AtomicReference<StepProcess> current, java.util.concurrent.atomic.AtomicBoolean cancelled,
            PrintWriter out, PrintWriter err) throws InterruptedException {
        String jobId = "local-" + UUID.randomUUID();
        var states = new LinkedHashMap<String, JobStep>();
        task.steps().forEach(s -> states.put(s.name(), step(s.name(), s.dependsOn(), s.continueOnFailure(),
                StepStatus.PENDING)));
        var outputs = new HashMap<String, Object>();
        while (true) {
            var eval = DagEvaluation.of(List.copyOf(states.values()));
            for (String skipped : eval.skipped()) {
                states.put(skipped, with(states.get(skipped), StepStatus.SKIPPED));
                err.println("[" + skipped + "] skipped: a step it depends on did not complete");
            }
            if (eval.jobOutcome().isPresent() || eval.ready().isEmpty()) {
                var outcome = eval.jobOutcome().orElse(JobStatus.FAILED);
                err.println("Task " + task.name() + " " + outcome.wireName() + ".");
                err.flush();
                out.flush();
                return outcome == JobStatus.COMPLETED ? ExitCodes.OK : ExitCodes.FAILED;
            }
            String name = eval.ready().get(0);
            if (cancelled.get()) {
                err.println("Task " + task.name() + " cancelled.");
                err.flush();
                return ExitCodes.CANCELLED;
            }
            StepStatus result = runStep(ws, task, name, planner, jobInput, outputs, runner, revision, jobId, current, out, err);
            if (cancelled.get()) {
                err.println("Task " + task.name() + " cancelled.");
                err.flush();
                return ExitCodes.CANCELLED;
            }
            states.put(name, with(states.get(name), result));
        }
    }

    private StepStatus runStep(Workspace ws, Task task, String name, JobPlanner planner, Map<String, Object> jobInput,
            Map<String, Object> outputs, ScriptRunner runner, Path revision, String jobId, AtomicReference<StepProcess> current,
            PrintWriter out, PrintWriter err) throws InterruptedException {
        var flowStep = task.step(name).orElseThrow();
        dev.stroem.workflow.RenderedAction action;
        try {
            action = planner.renderStep(ws, task, name, jobInput, outputs);
        } catch (TemplateException | IllegalArgumentException e) {
            err.println("[" + name + "] could not start: " + e.getMessage());
            return StepStatus.FAILED;
        }
        var claimed = new ClaimedStep(jobId, ws.name(), task.name(), name, flowStep.actionName(), flowStep.action().type(),
                "local", new ActionSpec(action.script(), action.env(), action.source(), action.language(),
                        action.interpreter(), action.args(), action.dependencies()), JSON.valueToTree(action.input()),
                flowStep.timeoutSeconds());
        var scanner = new StepOutputScanner();
        StepProcess process;
        try {
            process = runner.start(claimed, revision, line -> {
                scanner.accept(line);
                var to = line.stream() == LogStream.STDERR ? err : out;
                synchronized (to) {
                    to.println("[" + name + "] " + line.line());
                    to.flush();
                }
            });
        } catch (IOException e) {
            err.println("[" + name + "] could not start: " + e.getMessage());
            return StepStatus.FAILED;
        }
        current.set(process);
        var outcome = process.await();
        current.set(null);
        if (outcome.error() != null) {
            err.println("[" + name + "] failed: " + outcome.error());
            return StepStatus.FAILED;
        }
        // The template context speaks of step names with dashes as underscores; the planner maps them.
        outputs.put(name, scanner.output() == null ? null : JSON.convertValue(scanner.output(), Map.class));
        return StepStatus.COMPLETED;
    }

    /**
     * The workspace as a worker gets it: the revision its definitions were loaded from, packed and
     * unpacked the worker's way (no {@code .git}, no symlinks), so each step runs in a copy of it
     * with {@code WORKSPACE_DIR} and the other folders set exactly as on a worker.
     */
    private static Path checkout(Workspace ws, Path workDir) throws IOException {
        if (ws.files() == null) {
            throw new IOException("its files could not be read");
        }
        Path archive = workDir.resolve("workspace.tar.gz");
        Files.write(archive, WorkspaceArchive.tarGz(ws.files()));
        Path revision = workDir.resolve("revision");
        WorkspaceUnpacker.unpack(archive, revision);
        Files.delete(archive);
        return revision;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary folder is harmless.
        }
    }

    private static JobStep step(String name, List<String> deps, boolean continueOnFailure, StepStatus status) {
        return new JobStep("local", name, 0, "", "script", deps, continueOnFailure, null, List.of(), status, null, null,
                null, null, null, null, null, null);
    }

    private static JobStep with(JobStep s, StepStatus status) {
        return step(s.stepName(), s.dependsOn(), s.continueOnFailure(), status);
    }
}
