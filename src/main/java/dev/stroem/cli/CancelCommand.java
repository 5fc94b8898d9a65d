package dev.stroem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stroem cancel JOB}: cancels a pending or running job. */
@Command(name = "cancel", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = "Cancel a pending or running job (exit 3 when it already ended).")
public final class CancelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServerOptions server;

    @Parameters(paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Override
    public Integer call() {
        server.client().cancel(jobId);
        spec.commandLine().getOut().println("Cancelled job " + jobId + ".");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
