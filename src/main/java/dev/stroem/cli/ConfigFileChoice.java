package dev.stroem.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Which config file {@code stroem server} and {@code stroem worker} read, as the original finds
 * it: {@code --config FILE}, else the {@code STROEM_CONFIG} environment variable, else the
 * default name ({@code server-config.yaml} / {@code worker-config.yaml}) in the current folder.
 */
record ConfigFileChoice(String command, String defaultName) {
    static final String ENV = "STROEM_CONFIG";

    static final ConfigFileChoice SERVER = new ConfigFileChoice("server", "server-config.yaml");
    static final ConfigFileChoice WORKER = new ConfigFileChoice("worker", "worker-config.yaml");

    /** The file to read; null when none of the three names one ({@link #missing} says so). */
    Path choose(Path given, CommandSpec spec, Path currentDir) {
        if (given != null) {
            return given;
        }
        String fromEnv = spec.root().userObject() instanceof ClientRoot root ? root.env(ENV) : System.getenv(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        Path fallback = currentDir.resolve(defaultName);
        if (Files.isRegularFile(fallback)) {
            return fallback;
        }
        return null;
    }

    /** The sentence for when {@link #choose} found nothing. */
    String missing(Path currentDir) {
        return "stroem " + command + ": no config file: pass --config FILE, set " + ENV + "=FILE, or put " + defaultName
                + " in the current folder (" + currentDir.toAbsolutePath() + ").";
    }
}
