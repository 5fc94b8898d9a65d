package dev.stroem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code stroem actions [--path DIR]}: the named actions of a local workspace. */
@Command(name = "actions", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = "List the actions of the workspace at --path (no server needed).")
public final class ActionsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    WorkspacePath workspace;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var ws = workspace.loadReporting(spec.commandLine().getErr());
        var actions = ws.actions().values().stream().filter(a -> !a.inline()).toList();
        if (actions.isEmpty()) {
            out.println("No actions in " + workspace.root() + ".");
            out.flush();
            return ExitCodes.OK;
        }
        var table = new TextTable("ACTION", "TYPE", "INPUTS", "DESCRIPTION");
        actions.forEach(a -> table.row(a.name(), a.type(), String.join(", ", a.input().keySet()),
                a.description() == null ? "" : a.description()));
        table.print(out, "");
        out.flush();
        return ExitCodes.OK;
    }
}
