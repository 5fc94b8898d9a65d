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
 * cannot be validated at all. Warnings are printed as {@code warning: …} and do not change the exit code.
 */
@Command(
        name = "validate",
        description = "Validate a workspace's workflow YAML (DIR or DIR/.workflows).",
        mixinStandardHelpOptions = true)
public final class ValidateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE|DIR", arity = "0..1",
            description = "A workflow file, a workspace folder or its .workflows folder (default: --path).")
    private Path dir;

    @picocli.CommandLine.Mixin
    private WorkspacePath workspacePath;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (dir == null) {
            dir = workspacePath.root();
        }
        if (!Files.exists(dir)) {
            err.println("stroem validate: " + dir + " does not exist.");
            return 2;
        }
        if (Files.isRegularFile(dir)) {
            return validateFile(dir.toAbsolutePath().normalize(), out, err);
        }
        Path root = dir.toAbsolutePath().normalize();
        if (root.getFileName() != null && root.getFileName().toString().equals(".workflows") && root.getParent() != null) {
            root = root.getParent();
        }
        String name = root.getFileName() == null ? "workspace" : root.getFileName().toString();
        Workspace workspace = new WorkspaceLoader().load(name, root);
        return report(workspace, workspace.errors(), workspace.warnings(), root, out);
    }

    /**
     * One workflow file: inside a workspace's {@code .workflows} folder it is checked with the
     * rest of its workspace (its references to actions of other files resolve) and only its own
     * problems are reported; elsewhere it is checked on its own.
     */
    private int validateFile(Path file, PrintWriter out, PrintWriter err) {
        Path parent = file.getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals(".workflows")
                && parent.getParent() != null) {
            Path root = parent.getParent();
            Workspace workspace = new WorkspaceLoader().load(root.getFileName().toString(), root);
            String relative = root.relativize(file).toString();
            var own = workspace.errors().stream()
                    .filter(e -> e.file() == null || relative.equals(e.file()) || file.toString().endsWith(e.file()))
                    .toList();
            var ownWarnings = workspace.warnings().stream().filter(w -> w.startsWith(relative + ":")).toList();
            return report(workspace, own, ownWarnings, file, out);
        }
        try {
            Path temp = Files.createTempDirectory("stroem-validate-");
            try {
                Files.createDirectories(temp.resolve(".workflows"));
                Files.copy(file, temp.resolve(".workflows").resolve(file.getFileName()));
                Workspace workspace = new WorkspaceLoader().load("workspace", temp);
                return report(workspace, workspace.errors(), workspace.warnings(), file, out);
            } finally {
                try (var files = Files.walk(temp)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        } catch (java.io.IOException e) {
            err.println("stroem validate: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
    }

    private int report(Workspace workspace, java.util.List<WorkflowError> errors, java.util.List<String> warnings, Path root,
            PrintWriter out) {

        for (WorkflowError error : errors) {
            out.println(error.describe());
        }
        // Warnings (a template reading undeclared input, an action defined twice) never fail validation.
        for (String warning : warnings) {
            out.println("warning: " + warning);
        }
        int problems = errors.size();
        long badFiles = errors.stream().map(WorkflowError::file).filter(Objects::nonNull).distinct().count();
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
