package dev.stroem.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@code target/stroem.jar} as real processes for the end-to-end tests (Failsafe passes the
 * jar's path as the system property {@code stroem.jar}). Output goes to files, never pipes, so a
 * chatty process cannot block on a full pipe.
 */
final class StroemProcess {

    /** What a finished command printed and how it exited. */
    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private static final AtomicInteger RUNS = new AtomicInteger();

    private StroemProcess() {}

    static List<String> command(String... args) {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Short-lived JVMs on a shared 2-core machine: the C1 compiler alone starts fastest.
                "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-jar", System.getProperty("stroem.jar", "target/stroem.jar")));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts a long-running role ({@code server}, {@code worker}, {@code dev}); stdout and stderr go to {@code log}. */
    static Process start(Path workDir, Path log, Map<String, String> env, String... args) throws IOException {
        var builder = new ProcessBuilder(command(args)).directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("STROEM"));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** A command running in the background, its stdout and stderr going to files. */
    record Running(Process process, Path out, Path err) {
        /** Waits for its end (at most {@code timeout}) and returns what it printed. */
        Result await(Duration timeout) throws IOException, InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("the command did not end within " + timeout + "; it printed: "
                        + Files.readString(out) + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        }
    }

    /** Starts a command and returns at once. */
    static Running launch(Path workDir, Map<String, String> env, String... args) throws IOException {
        int n = RUNS.incrementAndGet();
        Path out = Files.createTempFile(workDir, "run-" + n + "-", ".out");
        Path err = Files.createTempFile(workDir, "run-" + n + "-", ".err");
        var builder = new ProcessBuilder(command(args)).directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("STROEM") || k.equals("NO_COLOR"));
        builder.environment().putAll(env);
        return new Running(builder.start(), out, err);
    }

    /** Runs a command to its end (at most {@code timeout}). */
    static Result run(Path workDir, Map<String, String> env, Duration timeout, String... args)
            throws IOException, InterruptedException {
        return launch(workDir, env, args).await(timeout);
    }

    /** Stops a process with SIGTERM and waits for it. */
    static int stop(Process process, Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the process did not stop within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }
}
