package dev.stroem.cli;

import dev.stroem.app.DevApp;
import dev.stroem.app.PortInUseException;
import dev.stroem.workflow.WorkflowError;
import dev.stroem.workflow.Workspace;
import dev.stroem.workflow.WorkspaceLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stroem dev}: server and embedded worker on embedded defaults in one process, serving the
 * example workspace; Ctrl-C (SIGINT) or SIGTERM stops the worker, then the server.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = {"Run server + embedded worker on SQLite and local directories under ./.stroem/,",
                "serving a workspace (default: examples/workspace) on http://localhost:8080."})
public final class DevCommand implements Callable<Integer> {

    static final int DEFAULT_PORT = 8080;

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "8080",
            description = "Port for the UI and API on localhost (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = {"-w", "--workspace"}, paramLabel = "DIR", defaultValue = "examples/workspace",
            description = "The workspace folder to serve (default: ${DEFAULT-VALUE}).")
    Path workspace;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".stroem",
            description = "Where the database, logs, archive and worker files live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (port < 0 || port > 65535) {
            err.println("stroem dev: --port must be between 0 and 65535, not " + port + ".");
            return 2;
        }
        if (!Files.isDirectory(workspace)) {
            err.println("stroem dev: there is no workspace folder at " + workspace.toAbsolutePath().normalize()
                    + "; run this from the Strøm checkout or pass --workspace DIR.");
            return 2;
        }
        Workspace loaded = new WorkspaceLoader().load(DevApp.WORKSPACE_NAME, workspace.toAbsolutePath().normalize());
        for (WorkflowError problem : loaded.errors()) {
            err.println("warning: " + problem.describe());
        }

        DevApp app;
        try {
            app = DevApp.start(new DevApp.Settings(dataDir, workspace, port));
        } catch (PortInUseException e) {
            err.println("stroem dev: port " + e.port() + " is already in use; stop what is using it or pick another "
                    + "port with --port.");
            return 2;
        } catch (IOException e) {
            err.println("stroem dev: cannot start: " + e.getMessage() + ".");
            return 2;
        }

        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("Stopping Strøm dev (worker first, then server)…");
            err.flush();
            app.close();
            out.println("Strøm dev stopped.");
            out.flush();
            stopped.countDown();
        }, "dev-shutdown"));

        String url = "http://localhost:" + app.port();
        String serverFlag = app.port() == DEFAULT_PORT ? "" : " --server " + url;
        out.println();
        out.println("Strøm dev is running.");
        out.println("  UI and API: " + url);
        out.println("  Workspace:  " + workspace.toAbsolutePath().normalize() + " (" + count(loaded.tasks().size(), "task")
                + ", served as \"" + DevApp.WORKSPACE_NAME + "\")");
        out.println("  Data:       " + app.dataDir() + " (database, logs, archive)");
        out.println();
        out.println("Try the example:");
        out.println("  ./stroem trigger hello-world -i name=you --follow" + serverFlag);
        out.println();
        out.println("Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
