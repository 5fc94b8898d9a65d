package dev.stroem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stroem logs JOB [--step S] [--stream stdout|stderr] [--tail N] [-f] [--json]}: a job's log as
 * readable lines ({@code HH:MM:SS.mmm step | line}, stderr marked {@code !}) or raw JSONL. With
 * {@code --follow} it streams until the job ends and exits with the job's outcome.
 */
@Command(name = "logs", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = {"Print a job's log: 'HH:MM:SS.mmm step | line' (stderr lines marked '!'), or JSONL with --json.",
                "Exit code with --follow: 0 completed, 1 failed, 2 cancelled, 3 error."})
public final class LogsCommand implements Callable<Integer> {

    enum Stream { stdout, stderr }

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Option(names = "--step", paramLabel = "STEP", description = "Only this step's lines (_server: the server's events).")
    String step;

    @Option(names = "--stream", paramLabel = "STREAM", description = "Only stdout or only stderr.")
    Stream stream;

    @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines (then live, with --follow).")
    Integer tail;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the job ends.")
    boolean follow;

    @Option(names = "--json", description = "Print the raw JSONL lines.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        if (tail != null && tail < 0) {
            throw new CliException("--tail expects 0 or more lines, not " + tail);
        }
        var selection = new LogPrinter.Selection(step, stream == null ? null : stream.name(), json);
        var printer = new LogPrinter(server.client(), spec.commandLine().getOut(), spec.commandLine().getErr(),
                !json && LogLineFormatter.colourWanted(System.getenv()), LiveLogFollower.Settings.defaults());
        long from = 0;
        if (tail != null) {
            from = printer.printTail(jobId, selection, tail);
        } else if (!follow) {
            printer.printAll(jobId, selection);
        }
        return follow ? printer.follow(jobId, selection, from) : ExitCodes.OK;
    }
}
