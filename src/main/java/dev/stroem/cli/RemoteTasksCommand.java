package dev.stroem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stroem-api tasks [-w WS]}: the server's tasks, of every workspace or of one. */
@Command(name = "tasks", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = "List the tasks of the server (all workspaces, or --workspace).")
public final class RemoteTasksCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Option(names = {"-w", "--workspace"}, paramLabel = "WS", description = "Only the tasks of this workspace.")
    String workspace;

    @Override
    public Integer call() {
        JsonNode tasks = server.client().tasks(workspace);
        var out = spec.commandLine().getOut();
        if (tasks.isEmpty()) {
            out.println("No tasks.");
            out.flush();
            return ExitCodes.OK;
        }
        var table = new TextTable("WORKSPACE", "TASK", "DESCRIPTION");
        for (JsonNode t : tasks) {
            table.row(t.path("workspace").asText(workspace == null ? "" : workspace), t.path("name").asText(),
                    t.path("description").asText(""));
        }
        table.print(out, "");
        out.flush();
        return ExitCodes.OK;
    }
}
