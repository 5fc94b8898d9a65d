package dev.stroem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code stroem} entry point: one jar, one subcommand per role. */
@Command(
        name = "stroem",
        mixinStandardHelpOptions = true,
        version = "Strøm for the JVM 0.1.0",
        description = "Workflow job server whose job logs are first-class.",
        subcommands = {ServerCommand.class, WorkerCommand.class, DevCommand.class, TriggerCommand.class,
                JobsCommand.class, StatusCommand.class, LogsCommand.class, CancelCommand.class, ValidateCommand.class})
public final class StroemCommand implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line, shared by {@link #main} and tests: a {@link CliException} or a
     * malformed argument is one sentence on stderr, not a stack trace or the whole usage text.
     */
    public static CommandLine commandLine() {
        var cli = new CommandLine(new StroemCommand());
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
