package dev.stroem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code stroem tasks [--path DIR]}: the tasks of a local workspace (no server). */
@Command(name = "tasks", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = "List the tasks of the workspace at --path (no server needed).")
public final class LocalTasksCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    WorkspacePath workspace;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var ws = workspace.loadReporting(spec.commandLine().getErr());
        if (ws.tasks().isEmpty()) {
            out.println("No tasks in " + workspace.root() + ".");
            out.flush();
            return ExitCodes.OK;
        }
        var table = new TextTable("TASK", "STEPS", "DESCRIPTION");
        ws.tasks().values().forEach(t -> table.row(t.name(), Integer.toString(t.flow().size()),
                t.description() == null ? "" : t.description()));
        table.print(out, "");
        out.flush();
        return ExitCodes.OK;
    }
}
