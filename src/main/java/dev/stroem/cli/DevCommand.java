package dev.stroem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code stroem dev}: server and embedded worker on embedded defaults. */
@Command(name = "dev", description = "Run server + embedded worker on SQLite and local dirs (UI on http://localhost:8080).")
public final class DevCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("stroem dev is not available yet: the job server is still being built.");
        return 1;
    }
}
