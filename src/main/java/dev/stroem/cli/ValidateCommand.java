package dev.stroem.cli;

import dev.stroem.workflow.WorkflowError;
import dev.stroem.workflow.Workspace;
import dev.stroem.workflow.WorkspaceLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stroem validate DIR}: checks a workspace's workflow files without a server. Exit 0 when
 * valid, 1 when there are problems (each printed as {@code file: task/step: message}), 2 when DIR
 * cannot be validated at all.
 */
@Command(
        name = "validate",
        description = "Validate a workspace's workflow YAML (DIR or DIR/.workflows).",
        mixinStandardHelpOptions = true)
public final class ValidateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "Workspace folder, or its .workflows folder.")
    private Path dir;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.exists(dir)) {
            err.println("stroem validate: " + dir + " does not exist.");
            return 2;
        }
        if (!Files.isDirectory(dir)) {
            err.println("stroem validate: " + dir + " is not a folder; give the workspace folder or its .workflows folder.");
            return 2;
        }
        Path root = dir.toAbsolutePath().normalize();
        if (root.getFileName() != null && root.getFileName().toString().equals(".workflows") && root.getParent() != null) {
            root = root.getParent();
        }
        String name = root.getFileName() == null ? "workspace" : root.getFileName().toString();
        Workspace workspace = new WorkspaceLoader().load(name, root);

        for (WorkflowError error : workspace.errors()) {
            out.println(error.describe());
        }
        int problems = workspace.errors().size();
        long badFiles = workspace.errors().stream().map(WorkflowError::file).filter(Objects::nonNull).distinct().count();
        String valid = count(workspace.tasks().size(), "task") + " and " + count(workspace.actions().size(), "action");
        if (problems == 0) {
            out.println("OK: " + valid + " in " + root + ".");
        } else {
            out.println(count(problems, "problem") + (badFiles > 0 ? " in " + count((int) badFiles, "file") : "")
                    + "; " + valid + " valid.");
        }
        out.flush();
        return problems == 0 ? 0 : 1;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
