package dev.stroem.worker;

import dev.stroem.logs.LogLine;
import dev.stroem.logs.LogStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running step's script. One thread {@link #await()}s it (enforcing the step's timeout and
 * doing any killing); any other thread may ask it to {@link #stop} (cancellation, shutdown).
 */
public final class StepProcess {

    private static final Logger log = LoggerFactory.getLogger(StepProcess.class);

    /** How long output may keep flowing after the tree was killed (pipes held by escaped processes). */
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(5);

    private final ClaimedStep step;
    private final Process process;
    private final ProcessTree tree;
    private final StepDirectory dir;
    private final StepDirectories dirs;
    private final StepFolderHook hook;
    private final Duration killGrace;
    private final Duration drainLimit;
    private final Consumer<LogLine> sink;
    /** Set once the step is over: what an escaped process prints after that is counted and dropped. */
    private final AtomicBoolean detached = new AtomicBoolean();
    private final AtomicLong droppedAfterEnd = new AtomicLong();
    private final CompletableFuture<Void> stdout;
    private final CompletableFuture<Void> stderr;
    private final CompletableFuture<StopReason> stopRequest = new CompletableFuture<>();
    private final OutputTail stderrTail = new OutputTail();

    StepProcess(ClaimedStep step, Process process, ProcessTree tree, StepDirectory dir, StepDirectories dirs,
            StepFolderHook hook, Duration killGrace, Duration drainLimit, OutputReaders readers, Consumer<LogLine> sink) {
        this.step = step;
        this.process = process;
        this.tree = tree;
        this.dir = dir;
        this.dirs = dirs;
        this.hook = hook;
        this.killGrace = killGrace;
        this.drainLimit = drainLimit;
        this.sink = sink;
        this.stdout = capture(readers, process.getInputStream(), LogStream.STDOUT, sink);
        this.stderr = capture(readers, process.getErrorStream(), LogStream.STDERR, sink);
    }

    /** The pid of the step's {@code bash} (also its process group id under setsid). */
    public long pid() {
        return process.pid();
    }

    /** Asks the step to end: its whole process tree is killed. The first reason given wins. */
    public void stop(StopReason reason) {
        stopRequest.complete(reason);
    }

    /**
     * Waits until the script ended (or kills it on timeout or {@link #stop}), all its output was
     * handed to the sink and its directory is deleted. Processes the script left running in the
     * background are killed: the step is over when its script is.
     */
    public StepOutcome await() throws InterruptedException {
        StopReason stoppedBy = null;
        try {
            var ended = CompletableFuture.anyOf(process.onExit(), stopRequest);
            if (step.timeoutSecs() != null && step.timeoutSecs() > 0) {
                ended.get(step.timeoutSecs(), TimeUnit.SECONDS);
            } else {
                ended.get();
            }
        } catch (TimeoutException e) {
            stoppedBy = StopReason.TIMEOUT;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Waiting for a process cannot fail", e);
        }
        if (stoppedBy == null && stopRequest.isDone() && process.isAlive()) {
            stoppedBy = stopRequest.getNow(null);
        }
        if (stoppedBy != null) {
            log.info("Killing {} ({})", step.describe(), stoppedBy.error(step.timeoutSecs()));
            tree.terminate(killGrace);
        }
        int exitCode = process.waitFor();
        boolean leftovers = tree.hasLeftovers();
        if (leftovers) {
            log.info("{} left processes running in the background; killing them", step.describe());
            tree.terminate(killGrace);
        }
        drainOutput();
        // Its empty folders serve the next step only when nothing of this one can still be running.
        boolean reusable = stoppedBy == null && !leftovers && !detached.get();
        StepOutcome outcome = stoppedBy != null
                ? new StepOutcome(exitCode, stoppedBy.error(step.timeoutSecs()), stoppedBy)
                : new StepOutcome(exitCode, exitCode == 0 ? null : exitError(exitCode, stderrTail.text()), null);
        try {
            return hook.afterEnd(dir, outcome, sink);
        } finally {
            dirs.release(dir, reusable);
        }
    }

    /**
     * The original's error for a failed script: {@code Exit code: N}, then the end of what it
     * wrote to stderr, where the reason usually is (a traceback's last line, say).
     */
    static String exitError(int exitCode, String stderrTail) {
        return "Exit code: " + exitCode + (stderrTail.isEmpty() ? "" : "\nStderr: " + stderrTail);
    }

    /** Lines printed after the step ended (by a process that escaped its group) that were dropped. */
    public long droppedAfterEnd() {
        return droppedAfterEnd.get();
    }

    private void drainOutput() throws InterruptedException {
        boolean drained = drained(stdout) & drained(stderr); // each may take the drain limit, as before
        if (!drained) {
            // Only a process that escaped the step's group (its own setsid, say) still holds the
            // pipes; what it prints from now on is not the step's output. The readers go on reading
            // (a full pipe would block the escaped process), but the lines are counted and dropped,
            // so the worker's memory does not grow with them.
            detached.set(true);
            sink.accept(new LogLine(now(), LogStream.STDERR, step.stepName(), "[worker] a process that left the "
                    + "step's process group still holds its output; what it prints from now on is dropped"));
            log.warn("{}: a process outside the step's process group keeps its output open; "
                    + "dropping what it prints from now on", step.describe());
        }
    }

    /** Waits up to the drain limit for a reader to reach the end of its stream. */
    private boolean drained(CompletableFuture<Void> reader) throws InterruptedException {
        try {
            reader.get(drainLimit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            // The sink failed (a reader catches only read errors): that reader has ended, as a thread
            // of its own ended before, and the step's end is still reported.
            log.warn("Reading the output of {} failed: {}", step.describe(), e.getCause().toString());
            return true;
        }
    }

    private CompletableFuture<Void> capture(OutputReaders readers, InputStream in, LogStream stream,
            Consumer<LogLine> sink) {
        var splitter = new LineSplitter();
        return readers.read("step-" + step.stepName() + "-" + stream.wireName(), () -> {
            try (in) {
                splitter.split(in, text -> {
                    if (detached.get()) {
                        droppedAfterEnd.incrementAndGet();
                    } else {
                        if (stream == LogStream.STDERR) {
                            stderrTail.add(text);
                        }
                        sink.accept(new LogLine(now(), stream, step.stepName(), text));
                    }
                });
            } catch (IOException e) {
                log.warn("Reading the {} of {} failed: {}", stream.wireName(), step.describe(), e.getMessage());
            }
        });
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("Cannot delete the step directory {}: {}", dir, e.getMessage());
        }
    }
}
