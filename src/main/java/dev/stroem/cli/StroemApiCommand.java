package dev.stroem.cli;

import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stroem-api}: the original's remote client, for scripts written against it
 * ({@code STROEM_URL=… stroem-api trigger hello-world --input '{"name":"x"}'}). The same client
 * commands as {@code stroem}, with {@code tasks} listing the server's tasks. Run as the
 * {@code stroem-api} script, as {@code stroem api …}, or as this class's {@link #main}.
 */
@Command(
        name = "api",
        aliases = "stroem-api",
        mixinStandardHelpOptions = true,
        version = "Strøm for the JVM 0.1.0",
        description = "Client of a running Strøm server (the original's stroem-api).",
        subcommands = {TriggerCommand.class, StatusCommand.class, LogsCommand.class, JobsCommand.class,
                RemoteTasksCommand.class, CancelCommand.class, WorkspacesCommand.class,
                ArtifactsCommand.class, StateCommand.class})
public final class StroemApiCommand implements Runnable, ClientRoot {

    @Option(names = "--server", paramLabel = "URL", scope = CommandLine.ScopeType.LOCAL,
            description = "The Strøm server (env STROEM_URL or STROEM_SERVER; default: http://localhost:8080).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", scope = CommandLine.ScopeType.LOCAL,
            description = "API token, when the server requires one (env STROEM_TOKEN).")
    String token;

    private final Function<String, String> env;

    public StroemApiCommand() {
        this(System::getenv);
    }

    StroemApiCommand(Function<String, String> env) {
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

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The {@code stroem-api} command line, with the same error handling as {@code stroem}'s. */
    public static CommandLine commandLine() {
        return StroemCommand.configure(new CommandLine(new StroemApiCommand()).setCommandName("stroem-api"));
    }

    static CommandLine commandLine(Map<String, String> env) {
        return StroemCommand.configure(new CommandLine(new StroemApiCommand(env::get)).setCommandName("stroem-api"));
    }
}
