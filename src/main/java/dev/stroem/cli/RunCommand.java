package dev.stroem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stroem.jobs.DagEvaluation;
import dev.stroem.jobs.JobStatus;
import dev.stroem.jobs.JobStep;
import dev.stroem.jobs.StepControl;
import dev.stroem.jobs.StepStatus;
import dev.stroem.logs.LogStream;
import dev.stroem.workflow.FlowStep;
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
 * DAG rules ({@link DagEvaluation}: {@code when} conditions, skips) and templates; a {@code for_each}
 * step runs its items one after another. Each step runs as on a worker: in its own copy
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
        var run = new LocalRun(ws, task, planner, jobInput, runner, revision, current, out, err);
        var states = new LinkedHashMap<String, JobStep>();
        task.steps().forEach(s -> states.put(s.name(), step(s.name(), s.dependsOn(), s.continueOnFailure(),
                StepStatus.PENDING, null, s.control().when())));
        while (true) {
            var eval = DagEvaluation.of(List.copyOf(states.values()), run::condition);
            eval.failed().forEach((failed, message) -> {
                states.put(failed, with(states.get(failed), StepStatus.FAILED, message));
                err.println("[" + failed + "] failed: " + message);
            });
            for (String skipped : eval.skipped()) {
                String reason = eval.skipReasons().get(skipped);
                states.put(skipped, with(states.get(skipped), StepStatus.SKIPPED, reason));
                err.println("[" + skipped + "] skipped: " + (reason != null ? "a step it depends on did not complete"
                        : eval.decisions().containsKey(skipped) ? "its when condition is false"
                        : "every step it depends on was skipped"));
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
            StepStatus result = run.step(task.step(name).orElseThrow());
            if (cancelled.get()) {
                err.println("Task " + task.name() + " cancelled.");
                err.flush();
                return ExitCodes.CANCELLED;
            }
            states.put(name, with(states.get(name), result, null));
        }
    }

    /** One local run of a task: renders and runs its steps, and keeps their outputs for later steps. */
    private static final class LocalRun {
        private final Workspace ws;
        private final Task task;
        private final JobPlanner planner;
        private final Map<String, Object> jobInput;
        private final ScriptRunner runner;
        private final Path revision;
        private final AtomicReference<StepProcess> current;
        private final PrintWriter out;
        private final PrintWriter err;
        private final String jobId = "local-" + UUID.randomUUID();
        /** By step name as written; the planner maps dashes for templates. */
        private final Map<String, Object> outputs = new HashMap<>();

        LocalRun(Workspace ws, Task task, JobPlanner planner, Map<String, Object> jobInput, ScriptRunner runner,
                Path revision, AtomicReference<StepProcess> current, PrintWriter out, PrintWriter err) {
            this.ws = ws;
            this.task = task;
            this.planner = planner;
            this.jobInput = jobInput;
            this.runner = runner;
            this.revision = revision;
            this.current = current;
            this.out = out;
            this.err = err;
        }

        /** A step's {@code when}, as the server decides it. */
        DagEvaluation.Verdict condition(JobStep step) {
            try {
                return planner.condition(step.control().whenCondition(), jobInput, outputs, ws.secrets(),
                        "step '" + step.stepName() + "' when") ? DagEvaluation.Verdict.RUN : DagEvaluation.Verdict.SKIP;
            } catch (TemplateException e) {
                return DagEvaluation.Verdict.fail("when condition error: " + e.getMessage());
            }
        }

        /**
         * Runs a step; a {@code for_each} step runs its items one after another (as the original's
         * local run does), its output being the list of theirs.
         */
        StepStatus step(FlowStep flowStep) throws InterruptedException {
            String name = flowStep.name();
            if (!flowStep.control().loops()) {
                var output = new AtomicReference<Object>();
                StepStatus status = instance(flowStep, name, null, output);
                if (status == StepStatus.COMPLETED) {
                    outputs.put(name, output.get());
                }
                return status;
            }
            List<Object> items;
            try {
                items = flowStep.control().forEach() instanceof List<?> literal ? new ArrayList<>(literal)
                        : planner.loopItems((String) flowStep.control().forEach(), jobInput, outputs, ws.secrets(),
                                "step '" + name + "' for_each");
            } catch (TemplateException | IllegalArgumentException e) {
                err.println("[" + name + "] failed: for_each expression error: " + e.getMessage());
                return StepStatus.FAILED;
            }
            if (items.isEmpty()) {
                err.println("[" + name + "] skipped: for_each has no items");
                return StepStatus.SKIPPED;
            }
            var results = new ArrayList<Object>();
            boolean failed = false;
            for (int i = 0; i < items.size(); i++) {
                var output = new AtomicReference<Object>();
                var loop = JobPlanner.each(items.get(i), i);
                failed |= instance(flowStep, name + "[" + i + "]", loop, output) != StepStatus.COMPLETED;
                results.add(output.get());
            }
            if (failed) {
                return StepStatus.FAILED;
            }
            outputs.put(name, results);
            return StepStatus.COMPLETED;
        }

        /** Runs one process: the step, or one item of its loop ({@code loop} is its {@code each}). */
        private StepStatus instance(FlowStep flowStep, String label, Map<String, Object> loop, AtomicReference<Object> output)
                throws InterruptedException {
            dev.stroem.workflow.RenderedAction action;
            try {
                action = planner.renderStep(ws, task, flowStep.name(), jobInput, outputs, loop);
            } catch (TemplateException | IllegalArgumentException e) {
                err.println("[" + label + "] could not start: " + e.getMessage());
                return StepStatus.FAILED;
            }
            var claimed = new ClaimedStep(jobId, ws.name(), task.name(), label, flowStep.actionName(),
                    flowStep.action().type(), "local", new ActionSpec(action.script(), action.env(), action.source(),
                            action.language(), action.interpreter(), action.args(), action.dependencies()),
                    JSON.valueToTree(action.input()), flowStep.timeoutSeconds());
            var scanner = new StepOutputScanner();
            StepProcess process;
            try {
                process = runner.start(claimed, revision, line -> {
                    scanner.accept(line);
                    var to = line.stream() == LogStream.STDERR ? err : out;
                    synchronized (to) {
                        to.println("[" + label + "] " + line.line());
                        to.flush();
                    }
                });
            } catch (IOException e) {
                err.println("[" + label + "] could not start: " + e.getMessage());
                return StepStatus.FAILED;
            }
            current.set(process);
            var outcome = process.await();
            current.set(null);
            if (outcome.error() != null) {
                err.println("[" + label + "] failed: " + outcome.error());
                return StepStatus.FAILED;
            }
            output.set(scanner.output() == null ? null : JSON.convertValue(scanner.output(), Map.class));
            return StepStatus.COMPLETED;
        }
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

    private static JobStep step(String name, List<String> deps, boolean continueOnFailure, StepStatus status,
            String errorMessage, String when) {
        return new JobStep("local", name, 0, "", "script", deps, continueOnFailure, null, List.of(), status, null, null,
                null, null, null, null, errorMessage, null, null, new StepControl(when, null, false, null, null));
    }

    private static JobStep with(JobStep s, StepStatus status, String errorMessage) {
        return step(s.stepName(), s.dependsOn(), s.continueOnFailure(), status, errorMessage, s.control().whenCondition());
    }
}
