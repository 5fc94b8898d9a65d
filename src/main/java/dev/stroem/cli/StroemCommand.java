package dev.stroem.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code stroem} entry point: one jar, one subcommand per role. Local workspace commands
 * ({@code run}, {@code tasks}, {@code actions}, {@code triggers}, {@code inspect},
 * {@code validate}) read the workspace at {@code --path}; client commands talk to
 * {@code --server}. Both options may come before the subcommand, as in the original.
 */
@Command(
        name = "stroem",
        mixinStandardHelpOptions = true,
        version = "Strøm for the JVM 0.1.0",
        description = "Workflow job server whose job logs are first-class.",
        subcommands = {ServerCommand.class, WorkerCommand.class, DevCommand.class, TriggerCommand.class,
                JobsCommand.class, StatusCommand.class, LogsCommand.class, CancelCommand.class, WorkspacesCommand.class,
                ValidateCommand.class, RunCommand.class, LocalTasksCommand.class, ActionsCommand.class,
                TriggersCommand.class, InspectCommand.class, StroemApiCommand.class, ArtifactsCommand.class,
                StateCommand.class})
public final class StroemCommand implements Runnable, ClientRoot {

    @Option(names = "--server", paramLabel = "URL", scope = CommandLine.ScopeType.LOCAL,
            description = "The Strøm server of client commands (env STROEM_SERVER or STROEM_URL).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", scope = CommandLine.ScopeType.LOCAL,
            description = "API token of client commands (env STROEM_TOKEN).")
    String token;

    @Option(names = "--path", paramLabel = "DIR", defaultValue = ".",
            description = "The workspace of local commands (default: the current folder).")
    Path path;

    private final Function<String, String> env;

    public StroemCommand() {
        this(System::getenv);
    }

    StroemCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    @Override
    public String globalServer() {
        return server;
    }

    @Override
    public String globalToken() {
        return token;
    }

    @Override
    public String env(String name) {
        return env.apply(name);
    }

    /** The workspace folder of the local commands. */
    Path workspacePath() {
        return path;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line, shared by {@link #main} and tests: a {@link CliException} or a
     * malformed argument is one sentence on stderr, not a stack trace or the whole usage text.
     */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new StroemCommand()));
    }

    /** As {@link #commandLine()} with the given environment instead of the process's. */
    static CommandLine commandLine(Map<String, String> env) {
        return configure(new CommandLine(new StroemCommand(env::get)));
    }

    static CommandLine configure(CommandLine cli) {
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CliException problem) {
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + problem.sentence());
                cmd.getErr().flush();
                return ExitCodes.ERROR;
            }
            throw e;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            var cmd = e.getCommandLine();
            String name = cmd.getCommandSpec().qualifiedName();
            cmd.getErr().println(name + ": " + e.getMessage() + " (see '" + name + " --help').");
            cmd.getErr().flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cli;
    }
}
