package dev.stroem.worker;

import dev.stroem.config.WorkerConfig;
import dev.stroem.logs.LogLine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code stroem worker}: registers with the server, heartbeats, claims up to
 * {@code max_concurrent} steps at a time, runs them and reports them, with their output shipped
 * by a {@link LogShipper}. An unreachable server is waited for, never fatal.
 */
public final class Worker {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    /** Tries of a state download or upload before the step fails (a few seconds of backoff in all). */
    private static final int STATE_ATTEMPTS = 5;

    /** A claimed step from dispatch to the end of its reporting. */
    private static final class Task {
        final ClaimedStep step;
        final CompletableFuture<Void> processEnded = new CompletableFuture<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile StepProcess process;

        Task(ClaimedStep step) {
            this.step = step;
        }
    }

    /** A server call that either succeeds or throws {@link WorkerApiException}. */
    @FunctionalInterface
    private interface ServerCall {
        void run() throws InterruptedException;
    }

    private final WorkerConfig config;
    private final WorkerApiClient api;
    private final WorkerOptions options;
    private final ScriptRunner runner;
    private final WorkspaceCache workspaces;
    private final StateTransfer state;
    private final ArtifactUploader artifacts;
    private final boolean exclusive;
    private final Semaphore slots;
    private final Duration claimWait;
    private final ExecutorService stepThreads;
    private final ScheduledExecutorService timers;
    private final Map<Task, Boolean> tasks = new ConcurrentHashMap<>();
    private final CountDownLatch stopClaiming = new CountDownLatch(1);
    private final CountDownLatch giveUp = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private volatile boolean killing;
    private volatile boolean heartbeatFailing;
    private volatile String workerId;
    /** The server takes a step's last log batch with its completion (it said so when this worker registered). */
    private volatile boolean completeTakesLogs;
    /** True while the poller waits at the server for a step: shutdown abandons that wait at once. */
    private volatile boolean claimWaiting;
    private LogShipper shipper;
    private Thread poller;

    /**
     * @param config a fully defaulted worker config (every field set)
     */
    public Worker(WorkerConfig config, WorkerApiClient api, WorkerOptions options) {
        this.config = requireComplete(config);
        this.api = api;
        this.options = options;
        this.runner = new ScriptRunner(Path.of(config.workDir()), options.killGrace());
        String cacheDir = config.workspaceCacheDir() != null ? config.workspaceCacheDir()
                : Path.of(config.workDir(), "workspaces").toString();
        int retained = config.maxRetainedRevisions() != null ? config.maxRetainedRevisions()
                : WorkerConfig.DEFAULT_MAX_RETAINED_REVISIONS;
        this.exclusive = Boolean.TRUE.equals(config.exclusive());
        this.workspaces = new WorkspaceCache(Path.of(cacheDir), retained, api::downloadWorkspace);
        this.state = new StateTransfer(api, options.initialBackoff(), options.maxBackoff(), STATE_ATTEMPTS);
        this.artifacts = new ArtifactUploader(api, options.requestTimeout(), options.initialBackoff(), options.maxBackoff());
        this.slots = new Semaphore(config.maxConcurrent());
        this.claimWait = Duration.ofSeconds(config.claimWaitSecs());
        var stepCount = new AtomicInteger();
        this.stepThreads = Executors.newFixedThreadPool(config.maxConcurrent(), r -> daemon(r, "worker-step-" + stepCount.incrementAndGet()));
        var timerCount = new AtomicInteger();
        this.timers = Executors.newScheduledThreadPool(config.maxConcurrent() + 1, r -> daemon(r, "worker-timer-" + timerCount.incrementAndGet()));
    }

    /** Sends what an earlier run left in the spool and starts registering and claiming; returns at once. */
    public void start() throws IOException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("The worker is started already");
        }
        workspaces.clean();
        shipper = new LogShipper(api, new LogSpool(Path.of(config.spoolDir())), options.shipper());
        shipper.start();
        poller = daemon(this::pollLoop, "worker-poll");
        poller.start();
    }

    /** The id the server gave this worker, once registered. */
    public Optional<String> workerId() {
        return Optional.ofNullable(workerId);
    }

    /**
     * Stops claiming, lets running steps go on for the shutdown grace, then kills them (reported
     * as failed: {@code Worker shut down}), sends their logs and completions while the server
     * answers and spools the logs it cannot send. Returns when the worker has stopped.
     */
    public void shutdown() throws InterruptedException {
        if (!shuttingDown.compareAndSet(false, true)) {
            terminated.await();
            return;
        }
        stopClaiming.countDown();
        if (poller == null) {
            terminated.countDown();
            return;
        }
        log.info("Shutting down: claiming no more steps");
        if (claimWaiting) {
            // A waiting claim holds no step yet: abandoning it loses nothing (a step the server
            // handed out at this very moment is put back by its recovery, unstarted).
            poller.interrupt();
        }
        poller.join(options.requestTimeout().toMillis() + 1000);
        poller.interrupt();
        poller.join();

        long stillRunning = tasks.keySet().stream().filter(t -> !t.processEnded.isDone()).count();
        if (stillRunning > 0) {
            log.info("Waiting up to {}s for {} running step(s) to end", options.shutdownGrace().toSeconds(), stillRunning);
        }
        if (!await(tasks.keySet().stream().map(t -> t.processEnded), options.shutdownGrace())) {
            killing = true;
            for (Task task : tasks.keySet()) {
                StepProcess process = task.process;
                if (process != null) {
                    log.info("Stopping {}: the shutdown grace is over", task.step.describe());
                    process.stop(StopReason.SHUTDOWN);
                }
            }
        }
        Duration shipTimeout = options.shutdownShipTimeout().plus(options.killGrace());
        if (!await(tasks.keySet().stream().map(t -> t.done), shipTimeout)) {
            log.warn("The server did not take every log line and completion within {}s; spooling the rest",
                    shipTimeout.toSeconds());
        }
        giveUp.countDown();
        shipper.shutdown(Duration.ZERO);
        await(tasks.keySet().stream().map(t -> t.done), Duration.ofSeconds(10));
        timers.shutdownNow();
        stepThreads.shutdownNow();
        runner.discardIdleDirectories();
        log.info("Worker stopped");
        terminated.countDown();
    }

    /** Waits until {@link #shutdown()} has finished. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    // --- registration, heartbeat, claiming -----------------------------------------------------

    private void pollLoop() {
        try {
            if (!registerUntilDone()) {
                return;
            }
            long heartbeat = config.heartbeatIntervalSecs();
            timers.scheduleWithFixedDelay(this::heartbeat, heartbeat, heartbeat, TimeUnit.SECONDS);
            var backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
            boolean failing = false;
            while (!stopping()) {
                if (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                // One claim for every free slot: with a backlog, one round trip fills them all.
                int free = 1 + slots.drainPermits();
                String id = workerId;
                List<ClaimedStep> claimed;
                long askedAt = System.nanoTime();
                claimWaiting = true;
                try {
                    if (stopping()) {
                        slots.release(free);
                        break; // shutdown began after the loop's check: no new wait
                    }
                    claimed = api.claimSteps(id, config.capabilities(), config.tags(), exclusive, claimWait, free);
                } catch (WorkerApiException e) {
                    slots.release(free);
                    if (e.status() == 404 && reRegister(id)) {
                        continue;
                    }
                    if (!failing) {
                        failing = true;
                        if (e.retryable()) {
                            log.warn("Cannot claim steps; retrying: {}", e.getMessage());
                        } else {
                            log.error("The server refuses this worker's claims; retrying: {}", e.getMessage());
                        }
                    }
                    pause(stopClaiming, backoff.next());
                    continue;
                } finally {
                    claimWaiting = false;
                }
                if (failing) {
                    failing = false;
                    log.info("Claiming steps works again");
                }
                backoff.reset();
                if (claimed.size() > free) {
                    // More than asked for: run them all rather than strand a claimed step; the extra
                    // ones hold no slot, so the number of slots stays max_concurrent.
                    log.warn("The server handed out {} steps for {} free slots", claimed.size(), free);
                }
                slots.release(Math.max(0, free - claimed.size()));
                if (claimed.isEmpty()) {
                    // A server that waited (as long as it was asked, or most of it) is asked again at
                    // once; one that answered at once (the original, or one shutting down) after the
                    // poll interval.
                    long waited = System.nanoTime() - askedAt;
                    if (claimWait.isZero() || waited < claimWait.toNanos() / 2) {
                        pause(stopClaiming, Duration.ofSeconds(config.pollIntervalSecs()));
                    }
                    continue;
                }
                for (int i = 0; i < claimed.size(); i++) {
                    dispatch(claimed.get(i), i < free);
                }
            }
        } catch (InterruptedException e) {
            // Shutdown.
        } catch (RuntimeException e) {
            log.error("The claim loop failed; the worker claims no more steps", e);
        }
    }

    private boolean registerUntilDone() throws InterruptedException {
        var backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
        int failures = 0;
        while (!stopping()) {
            try {
                var registration = api.registration(config.workerName(), config.capabilities(), config.tags(), exclusive);
                completeTakesLogs = registration.completeTakesLogs();
                workerId = registration.workerId();
                log.info("Registered with {} as worker '{}' ({}), running up to {} steps at once",
                        config.serverUrl(), config.workerName(), workerId, config.maxConcurrent());
                return true;
            } catch (WorkerApiException e) {
                if (failures++ == 0) {
                    log.warn("Cannot register with {}; retrying: {}", config.serverUrl(), e.getMessage());
                }
                pause(stopClaiming, backoff.next());
            }
        }
        return false;
    }

    /** Registers again when the server forgot this worker; true when it has an id it knows now. */
    private synchronized boolean reRegister(String staleId) throws InterruptedException {
        if (!Objects.equals(workerId, staleId)) {
            return true;
        }
        log.info("The server does not know worker {} (any more); registering again", staleId);
        try {
            var registration = api.registration(config.workerName(), config.capabilities(), config.tags(), exclusive);
            completeTakesLogs = registration.completeTakesLogs();
            workerId = registration.workerId();
            log.info("Registered again as worker '{}' ({})", config.workerName(), workerId);
            return true;
        } catch (WorkerApiException e) {
            log.warn("Registering again failed: {}", e.getMessage());
            return false;
        }
    }

    private void heartbeat() {
        String id = workerId;
        try {
            api.heartbeat(id);
            if (heartbeatFailing) {
                heartbeatFailing = false;
                log.info("Heartbeats reach the server again");
            }
        } catch (WorkerApiException e) {
            if (e.status() == 404) {
                try {
                    reRegister(id);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            } else if (!heartbeatFailing) {
                heartbeatFailing = true;
                log.warn("Heartbeat failed: {}", e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- running a step ------------------------------------------------------------------------

    /** Runs a claimed step; {@code ownsSlot}: it took a slot, which it gives back when it ends. */
    private void dispatch(ClaimedStep step, boolean ownsSlot) {
        var task = new Task(step);
        tasks.put(task, Boolean.TRUE);
        stepThreads.execute(() -> {
            try {
                run(task);
            } catch (InterruptedException e) {
                log.warn("{} was abandoned at shutdown", step.describe());
            } catch (RuntimeException e) {
                log.error("Running {} failed", step.describe(), e);
            } finally {
                task.processEnded.complete(null);
                tasks.remove(task);
                task.done.complete(null);
                if (ownsSlot) {
                    slots.release();
                }
            }
        });
    }

    private void run(Task task) throws InterruptedException {
        ClaimedStep step = task.step;
        log.info("Claimed {} (task {}/{}, action {})", step.describe(), step.workspace(), step.taskName(), step.actionName());
        if (!callServer("report the start of " + step.describe(),
                () -> api.startStep(step.jobId(), step.stepName(), workerId))) {
            log.warn("Not running {}: its start was not accepted", step.describe());
            return;
        }
        StepLog stepLog = shipper.openStep(step.jobId(), step.stepName());
        var output = new StepOutputScanner();
        StepState stepState = state.forStep(step);
        // Artifacts first: a step whose artifacts could not be kept has failed, and a failed step saves no state.
        StepOutcome outcome = execute(task, line -> {
            output.accept(line);
            stepState.accept(line);
            stepLog.append(line);
        }, StepFolderHook.inOrder(artifacts.forStep(step), stepState));
        task.processEnded.complete(null);

        // With a server that takes them, the lines not sent yet go with the completion: one round
        // trip per step less, and the server still writes them (once, by batch id) before it
        // records the completion and reads the step's output from its log.
        StepLog.Tail tail = completeTakesLogs ? stepLog.closeTakingTail() : null;
        ShipResult shipped;
        try {
            shipped = stepLog.close().get(); // closed already when a tail was taken: this only waits
        } catch (ExecutionException e) {
            shipped = ShipResult.INCOMPLETE;
        }
        if (shipped == ShipResult.SPOOLED) {
            if (tail != null) {
                stepLog.spool(tail);
            }
            log.warn("{} ended ({}), but the server has not taken all its log lines; they wait in the spool "
                    + "and its completion is not reported", capitalised(step.describe()), describe(outcome));
            return;
        }
        // A script that never ran (its workspace or state could not be had) has no exit code; the
        // server, as the original's, requires one: -1 with the reason.
        var completion = new StepCompletion(outcome.exitCode() == null ? Integer.valueOf(-1) : outcome.exitCode(),
                outcome.error(), output.output());
        var refused = new AtomicBoolean();
        boolean reported = callServer("report the completion of " + step.describe(), () -> {
            try {
                if (tail == null) {
                    api.completeStep(step.jobId(), step.stepName(), completion);
                } else {
                    api.completeStep(step.jobId(), step.stepName(), completion, tail.batchId(), tail.lines());
                }
            } catch (WorkerApiException e) {
                refused.set(!e.retryable());
                throw e;
            }
        });
        if (reported) {
            log.info("{} finished: {}", capitalised(step.describe()), describe(outcome));
        } else if (tail != null && !refused.get()) {
            // Given up at shutdown: the lines wait in the spool as any unsent batch does (a refusal
            // is final for them as it is for a refused batch).
            stepLog.spool(tail);
        }
    }

    private StepOutcome execute(Task task, Consumer<LogLine> sink, StepFolderHook hook)
            throws InterruptedException {
        ClaimedStep step = task.step;
        if (!"script".equals(step.actionType())) {
            return new StepOutcome(null, "This worker runs script steps, not '" + step.actionType() + "'", null);
        }
        StepProcess process;
        try (WorkspaceCache.Lease checkout = checkout(step)) {
            if (checkout == null) {
                return new StepOutcome(null, "Worker shut down", StopReason.SHUTDOWN);
            }
            process = runner.start(step, checkout.files(), sink, hook);
        } catch (WorkspaceUnavailable e) {
            return new StepOutcome(null, e.getMessage(), null);
        } catch (IOException e) {
            return new StepOutcome(null, "Cannot start the step: " + e.getMessage(), null);
        }
        task.process = process;
        if (killing) {
            process.stop(StopReason.SHUTDOWN);
        }
        long every = options.cancelPollInterval().toMillis();
        var cancelPoll = timers.scheduleWithFixedDelay(() -> pollCancellation(step, process), every, every,
                TimeUnit.MILLISECONDS);
        try {
            return process.await();
        } finally {
            cancelPoll.cancel(false);
        }
    }

    /** The step's workspace could not be had; the message is the step's error. */
    private static final class WorkspaceUnavailable extends IOException {
        WorkspaceUnavailable(String message) {
            super(message);
        }
    }

    /**
     * The step's workspace revision from the cache, downloaded when needed; retried while the
     * server is unreachable or failing, null when the worker shuts down meanwhile.
     */
    private WorkspaceCache.Lease checkout(ClaimedStep step) throws WorkspaceUnavailable, InterruptedException {
        var backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
        int failures = 0;
        String what = "workspace '" + step.workspace() + "'" + (step.revision() == null ? "" : " at revision " + step.revision());
        while (true) {
            try {
                WorkspaceCache.Lease lease = workspaces.checkout(step.workspace(), step.revision());
                if (failures > 0) {
                    log.info("Could download {} after {} failed attempts", what, failures);
                }
                return lease;
            } catch (IOException e) {
                throw new WorkspaceUnavailable("Cannot get " + what + ": " + e.getMessage());
            } catch (WorkerApiException e) {
                if (!e.retryable()) {
                    throw new WorkspaceUnavailable("Cannot download " + what + ": " + e.getMessage());
                }
                if (failures++ == 0) {
                    log.warn("Cannot download {} for {}; retrying: {}", what, step.describe(), e.getMessage());
                }
                if (pause(giveUp, backoff.next()) || killing) {
                    return null;
                }
            }
        }
    }

    private void pollCancellation(ClaimedStep step, StepProcess process) {
        try {
            if (api.isCancelled(step.jobId())) {
                log.info("Job {} was cancelled; stopping {}", step.jobId(), step.describe());
                process.stop(StopReason.CANCELLED);
            }
        } catch (WorkerApiException e) {
            log.debug("Cannot ask whether job {} is cancelled: {}", step.jobId(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Repeats a call while the server is unreachable or failing; false when refused or given up at shutdown. */
    private boolean callServer(String what, ServerCall call) throws InterruptedException {
        var backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
        int failures = 0;
        while (true) {
            try {
                call.run();
                if (failures > 0) {
                    log.info("Could {} after {} failed attempts", what, failures);
                }
                return true;
            } catch (WorkerApiException e) {
                if (!e.retryable()) {
                    log.warn("The server refused to {}: {}", what, e.getMessage());
                    return false;
                }
                if (failures++ == 0) {
                    log.warn("Cannot {}; retrying: {}", what, e.getMessage());
                }
                if (pause(giveUp, backoff.next())) {
                    log.warn("Gave up trying to {}: the worker shuts down", what);
                    return false;
                }
            }
        }
    }

    // --- small things --------------------------------------------------------------------------

    private boolean stopping() {
        return stopClaiming.getCount() == 0;
    }

    /** Waits {@code duration} unless {@code signal} fires first; true when it fired. */
    private static boolean pause(CountDownLatch signal, Duration duration) throws InterruptedException {
        return signal.await(duration.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static boolean await(Stream<CompletableFuture<Void>> futures, Duration timeout)
            throws InterruptedException {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    private static String describe(StepOutcome outcome) {
        String code = outcome.exitCode() == null ? "no exit code" : "exit code " + outcome.exitCode();
        return outcome.error() == null ? code : code + " (" + outcome.error() + ")";
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static WorkerConfig requireComplete(WorkerConfig c) {
        Objects.requireNonNull(c.serverUrl(), "server_url");
        Objects.requireNonNull(c.workerToken(), "worker_token");
        Objects.requireNonNull(c.workerName(), "worker_name");
        Objects.requireNonNull(c.maxConcurrent(), "max_concurrent");
        Objects.requireNonNull(c.pollIntervalSecs(), "poll_interval_secs");
        Objects.requireNonNull(c.heartbeatIntervalSecs(), "heartbeat_interval_secs");
        Objects.requireNonNull(c.capabilities(), "capabilities");
        Objects.requireNonNull(c.tags(), "tags");
        Objects.requireNonNull(c.workDir(), "work_dir");
        Objects.requireNonNull(c.spoolDir(), "spool_dir");
        Objects.requireNonNull(c.claimWaitSecs(), "claim_wait_secs");
        return c;
    }
}
