package dev.stroem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code stroem} entry point: one jar, one subcommand per role. */
@Command(
        name = "stroem",
        mixinStandardHelpOptions = true,
        version = "Strøm for the JVM 0.1.0",
        description = "Workflow job server whose job logs are first-class.",
        subcommands = {ServerCommand.class, WorkerCommand.class, DevCommand.class, ValidateCommand.class})
public final class StroemCommand implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new StroemCommand());
    }
}
