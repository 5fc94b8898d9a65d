package dev.stroem.cli;

import dev.stroem.workflow.Hook;
import dev.stroem.workflow.Task;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stroem inspect TASK [--path DIR]}: a local task's input schema, flow and hooks. */
@Command(name = "inspect", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = "Show a task of the workspace at --path: input, steps with dependencies, hooks.")
public final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    WorkspacePath workspace;

    @Parameters(paramLabel = "TASK", description = "The task.")
    String taskName;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var ws = workspace.loadReporting(spec.commandLine().getErr());
        Task task = ws.task(taskName).orElseThrow(() -> new CliException("no task named \"" + taskName + "\" in "
                + workspace.root() + " (stroem tasks lists them)"));
        out.println("Task: " + task.name() + (task.file() == null ? "" : "  (" + task.file() + ")"));
        if (task.description() != null) {
            out.println("Description: " + task.description());
        }
        out.println();
        out.println("Input:");
        if (task.input().isEmpty()) {
            out.println("  (none)");
        } else {
            var table = new TextTable("NAME", "TYPE", "REQUIRED", "DEFAULT");
            task.input().forEach((name, field) -> table.row(name, field.type() == null ? "string" : field.type(),
                    field.required() ? "yes" : "no",
                    field.defaultValue() == null ? "" : String.valueOf(field.defaultValue())));
            table.print(out, "  ");
        }
        out.println();
        out.println("Flow:");
        var flow = new TextTable("STEP", "ACTION", "DEPENDS ON");
        task.steps().forEach(s -> flow.row(s.name(), s.action().inline() ? "(inline " + s.action().type() + ")"
                : s.actionName(), String.join(", ", s.dependsOn())));
        flow.print(out, "  ");
        hooks(out, "on_success", task.hooks().onSuccess());
        hooks(out, "on_error", task.hooks().onError());
        hooks(out, "on_cancel", task.hooks().onCancel());
        out.flush();
        return ExitCodes.OK;
    }

    private static void hooks(PrintWriter out, String event, List<Hook> hooks) {
        if (!hooks.isEmpty()) {
            out.println();
            out.println(event + ": " + String.join(", ", hooks.stream().map(Hook::action).toList()));
        }
    }
}
