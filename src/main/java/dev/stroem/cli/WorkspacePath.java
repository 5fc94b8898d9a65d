package dev.stroem.cli;

import dev.stroem.workflow.Workspace;
import dev.stroem.workflow.WorkspaceLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --path DIR} of the local workspace commands, after the subcommand or (as the original
 * documents it) before it: {@code stroem --path DIR tasks}. The current folder by default; the
 * workspace folder or its {@code .workflows} folder.
 */
public final class WorkspacePath {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--path", paramLabel = "DIR", description = "The workspace folder (default: the current folder).")
    Path path;

    /** The workspace folder: this option, else the global one, else the current folder. */
    Path root() {
        Path chosen = path;
        if (chosen == null && mixee.root().userObject() instanceof StroemCommand stroem) {
            chosen = stroem.workspacePath();
        }
        Path root = (chosen == null ? Path.of(".") : chosen).toAbsolutePath().normalize();
        if (root.getFileName() != null && root.getFileName().toString().equals(".workflows") && root.getParent() != null) {
            root = root.getParent();
        }
        return root;
    }

    /** Loads the workspace; a folder that does not exist is a {@link CliException}. */
    Workspace load() {
        Path root = root();
        if (!Files.isDirectory(root)) {
            throw new CliException("the workspace folder " + root + " does not exist (see --path)");
        }
        String name = root.getFileName() == null ? "workspace" : root.getFileName().toString();
        return new WorkspaceLoader().load(name, root);
    }

    /** Loads the workspace, printing its load problems to {@code err} (its valid tasks still work). */
    Workspace loadReporting(java.io.PrintWriter err) {
        Workspace ws = load();
        ws.errors().forEach(e -> err.println("warning: " + e.describe()));
        ws.warnings().forEach(w -> err.println("warning: " + w));
        err.flush();
        return ws;
    }
}
