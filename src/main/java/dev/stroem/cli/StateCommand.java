package dev.stroem.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stroem state upload --workspace WS --task T [--mode merge] [--state K=V]… [FILE…]} and
 * {@code stroem state upload-global …}: an operator's state snapshot, as the original's CLI sends it
 * (the files in a gzip tarball under their names, a folder with its contents; the values as parameters).
 */
@Command(name = "state", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
        description = "Upload a task's or a workspace's state snapshot.",
        subcommands = {StateCommand.Upload.class, StateCommand.UploadGlobal.class})
public final class StateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    abstract static class Uploading implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions server;

        @Option(names = {"-w", "--workspace"}, paramLabel = "WS", defaultValue = "default",
                description = "The workspace (default: default).")
        String workspace;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "replace",
                description = "replace (the snapshot is exactly this upload) or merge (over the latest snapshot).")
        String mode;

        @Option(names = "--state", paramLabel = "KEY=VALUE", description = "A state value (repeatable).")
        List<String> state = new ArrayList<>();

        @Parameters(paramLabel = "FILE", arity = "0..*", description = "Files or folders to put in the snapshot.")
        List<Path> files = new ArrayList<>();

        abstract String task();

        @Override
        public Integer call() throws IOException {
            String m = mode.toLowerCase(Locale.ROOT);
            if (!m.equals("replace") && !m.equals("merge")) {
                throw new CliException("--mode: expected replace or merge, got \"" + mode + "\"");
            }
            var values = new LinkedHashMap<String, String>();
            for (String kv : state) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new CliException("--state: expected KEY=VALUE, got \"" + kv + "\"");
                }
                values.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            for (Path f : files) {
                if (!Files.exists(f)) {
                    throw new CliException("no such file: " + f);
                }
            }
            Path tarGz = Files.createTempFile("stroem-state-", ".tar.gz");
            try {
                if (!files.isEmpty()) {
                    pack(files, tarGz);
                }
                var answer = server.client().uploadState(workspace, task(), m, values, tarGz);
                var out = spec.commandLine().getOut();
                out.println("Uploaded snapshot " + answer.path("snapshot_id").asText() + " (" + answer.path("size_bytes").asLong()
                        + " bytes) as job " + answer.path("job_id").asText() + ".");
                out.flush();
            } finally {
                Files.deleteIfExists(tarGz);
            }
            return ExitCodes.OK;
        }

        /** Each file under its own name; a folder's contents under the folder's name. */
        private static void pack(List<Path> files, Path tarGz) throws IOException {
            try (OutputStream raw = Files.newOutputStream(tarGz); var gz = new GzipCompressorOutputStream(raw);
                    var tar = new TarArchiveOutputStream(gz, "UTF-8")) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (Path f : files) {
                    Path base = f.toAbsolutePath().normalize().getParent();
                    try (Stream<Path> walk = Files.walk(f)) {
                        for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                            if (!Files.isRegularFile(p)) {
                                continue;
                            }
                            String name = base.relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
                            var entry = new TarArchiveEntry(p.toFile(), name);
                            tar.putArchiveEntry(entry);
                            Files.copy(p, tar);
                            tar.closeArchiveEntry();
                        }
                    }
                }
                tar.finish();
            }
        }
    }

    @Command(name = "upload", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
            description = "Upload a task's state snapshot (needs run permission on the task).")
    static final class Upload extends Uploading {
        @Option(names = {"-t", "--task"}, paramLabel = "TASK", required = true, description = "The task.")
        String task;

        @Override
        String task() {
            return task;
        }
    }

    @Command(name = "upload-global", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.ERROR,
            description = "Upload the workspace's global state snapshot (admin).")
    static final class UploadGlobal extends Uploading {
        @Override
        String task() {
            return null;
        }
    }

}
