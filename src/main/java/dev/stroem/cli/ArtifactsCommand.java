package dev.stroem.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stroem artifacts list JOB} and {@code stroem artifacts download JOB NAME [-o FILE]}, as the original's. */
@Command(name = "artifacts", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = "List or download the files a job's steps produced.",
        subcommands = {ArtifactsCommand.ListArtifacts.class, ArtifactsCommand.Download.class})
public final class ArtifactsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
            description = "List a job's artifacts: name, size, type, step.")
    static final class ListArtifacts implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Parameters(paramLabel = "JOB", description = "The job id.")
        String jobId;

        @Option(names = "--json", description = "Print the API's JSON list.")
        boolean json;

        @Override
        public Integer call() {
            var list = server.client().artifacts(jobId);
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(list.toString());
            } else if (list.isEmpty()) {
                out.println("No artifacts.");
            } else {
                var table = new TextTable("NAME", "SIZE", "TYPE", "STEP");
                for (var a : list) {
                    table.row(a.path("name").asText(), a.path("size_bytes").asText(), a.path("content_type").asText(),
                            a.path("step_name").asText());
                }
                table.print(out, "");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "download", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
            description = "Download one artifact (default: into the current folder under its file name).")
    static final class Download implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
        String jobId;

        @Parameters(index = "1", paramLabel = "NAME", description = "The artifact's name (may contain /).")
        String name;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write it.")
        Path output;

        @Override
        public Integer call() {
            Path target = output != null ? output : Path.of(name.substring(name.lastIndexOf('/') + 1));
            if (Files.isDirectory(target)) {
                target = target.resolve(name.substring(name.lastIndexOf('/') + 1));
            }
            long bytes = server.client().downloadArtifact(jobId, name, target);
            spec.commandLine().getErr().println("Saved " + name + " (" + bytes + " bytes) to " + target);
            spec.commandLine().getErr().flush();
            return ExitCodes.OK;
        }
    }
}
