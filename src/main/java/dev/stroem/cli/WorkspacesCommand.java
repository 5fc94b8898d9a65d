package dev.stroem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code stroem workspaces} / {@code stroem-api workspaces}: the server's workspaces as a table. */
@Command(name = "workspaces", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = "List the workspaces of the server.")
public final class WorkspacesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Override
    public Integer call() {
        JsonNode workspaces = server.client().workspaces();
        var out = spec.commandLine().getOut();
        if (workspaces.isEmpty()) {
            out.println("No workspaces.");
            out.flush();
            return ExitCodes.OK;
        }
        var table = new TextTable("WORKSPACE", "TASKS", "ACTIONS", "TRIGGERS", "REVISION", "STATUS");
        for (JsonNode ws : workspaces) {
            String error = ws.path("error").asText("");
            table.row(ws.path("name").asText(), ws.path("tasks_count").asText(), ws.path("actions_count").asText(),
                    ws.path("triggers_count").asText("0"), ws.path("revision").asText("-"),
                    error.isEmpty() ? "ok" : "error: " + error);
        }
        table.print(out, "");
        out.flush();
        return ExitCodes.OK;
    }
}
