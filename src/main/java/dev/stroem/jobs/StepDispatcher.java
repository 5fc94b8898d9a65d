package dev.stroem.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims that wait for work (the worker API's {@code wait_secs}): a claim that finds no ready step
 * waits here until one becomes ready for it, or until its wait is over, and is then answered.
 *
 * <p>One thread per server hands steps out, in the order the claims began to wait. When steps
 * become ready ({@link #stepsReady()}, after the commit that made them ready, on this server or
 * another one), it claims for the oldest waiting claim, then the next, until no step is left for a
 * kind of claim (same capabilities and tags): each ready step wakes exactly one waiting claim, and
 * a thousand idle workers cost no query at all. A step is claimed with the same atomic update as
 * an immediate claim, so it never goes to two workers, on one server or several.
 *
 * <p>A hint may be lost (between servers); a pass every {@link #SAFETY_PASS} while claims wait
 * bounds what that costs.
 *
 * <p>A waiting claim's worker may be gone by the time a step is ready for it (killed, its
 * connection dropped: nothing tells the server until it writes the answer, and a write may even
 * seem to succeed). So a step handed to a claim that asked to wait must be started within the
 * start deadline, or it is ready again for another worker; a late start of it is refused.
 */
public final class StepDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StepDispatcher.class);

    /** How often waiting claims look for work without being told (a lost hint between servers). */
    static final Duration SAFETY_PASS = Duration.ofSeconds(2);
    /**
     * How long a worker that asked to wait has to start a step it was given. Our worker starts it
     * at once; a lost answer costs this long instead of the recovery's {@code heartbeat_timeout_secs}.
     */
    public static final Duration START_DEADLINE = Duration.ofSeconds(10);

    private enum State { WAITING, CLAIMING, ENDED }

    private static final class Waiter {
        final String workerId;
        final WorkerRouting kind;
        final int max;
        final CompletableFuture<List<ClaimedStep>> answer = new CompletableFuture<>();
        final AtomicReference<State> state = new AtomicReference<>(State.WAITING);
        final long deadline;

        Waiter(String workerId, WorkerRouting kind, int max, long deadline) {
            this.workerId = workerId;
            this.kind = kind;
            this.max = max;
            this.deadline = deadline;
        }

        boolean expired() {
            return System.nanoTime() - deadline >= 0;
        }
    }

    private final Orchestrator claimer;
    private final Duration startDeadline;
    /**
     * Steps handed to waiting claims whose start this server has not seen yet: a token per hand-out,
     * which the deadline's check removes (an entry gone means started, no query needed).
     */
    private final java.util.Map<String, Object> unstarted =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signalled = lock.newCondition();
    private boolean pending;
    private volatile boolean closed;
    private final Thread dispatcher;
    private final ScheduledExecutorService timers;
    /** Answers are written by the HTTP layer on the thread that completes them: never the dispatcher's. */
    private final ExecutorService answering;
    private final java.util.concurrent.Executor answer;

    /**
     * @param startDeadline how long after its claim a step handed to a waiting claim must be
     *     started before it is ready again
     */
    public StepDispatcher(Orchestrator claimer, Duration startDeadline) {
        this.claimer = claimer;
        this.startDeadline = startDeadline;
        this.dispatcher = new Thread(this::run, "step-dispatcher");
        this.dispatcher.setDaemon(true);
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "step-dispatcher-timer"));
        var count = new AtomicInteger();
        this.answering = Executors.newCachedThreadPool(r -> daemon(r, "step-dispatcher-answer-" + count.incrementAndGet()));
        this.answer = task -> {
            try {
                answering.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                task.run(); // shutting down: answer on this thread rather than not at all
            }
        };
    }

    public StepDispatcher start() {
        dispatcher.start();
        return this;
    }

    /**
     * A claim that waits up to {@code wait} for a step: the future completes with the claimed step,
     * or empty when the wait is over or the server shuts down. It is answered at once when a step is
     * ready now.
     */
    public CompletableFuture<Optional<ClaimedStep>> claim(String workerId, List<String> capabilities,
            List<String> tags, Duration wait) {
        return claim(workerId, capabilities, tags, 1, wait).thenApply(steps -> steps.stream().findFirst());
    }

    /**
     * As {@link #claim(String, List, List, Duration)}, for up to {@code max} steps (a worker with
     * that many free slots): answered with the steps ready now, or, when there are none, with
     * those that a wake finds, at most {@code max}; empty when the wait ends without work.
     */
    public CompletableFuture<List<ClaimedStep>> claim(String workerId, List<String> capabilities,
            List<String> tags, int max, Duration wait) {
        return claim(workerId, new WorkerRouting(capabilities, tags, false), max, wait);
    }

    /** As {@link #claim(String, List, List, int, Duration)}, for a worker routed by {@code routing}. */
    public CompletableFuture<List<ClaimedStep>> claim(String workerId, WorkerRouting routing, int max, Duration wait) {
        var now = claimer.claim(workerId, routing, max);
        if (!now.isEmpty() || wait.isZero() || closed) {
            now.forEach(step -> watchStart(step, workerId));
            return CompletableFuture.completedFuture(now);
        }
        var waiter = new Waiter(workerId, routing, max,
                System.nanoTime() + wait.toNanos());
        var answered = waiter.answer.thenApplyAsync(step -> step, answer);
        waiting.incrementAndGet();
        waiters.add(waiter);
        try {
            timers.schedule(() -> end(waiter), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            end(waiter); // the server stops
        }
        if (closed) {
            end(waiter);
        }
        // A step made ready between the claim above and the queueing is found by this pass.
        stepsReady();
        return answered;
    }

    /** Steps became ready somewhere: waiting claims look for work. Quick; never throws. */
    public void stepsReady() {
        lock.lock();
        try {
            pending = true;
            signalled.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Claims waiting now (for metrics and health). */
    public int waiting() {
        return waiting.get();
    }

    private void run() {
        while (!closed) {
            try {
                awaitSignal();
                if (!closed) {
                    pass();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The database away for a moment, say: the claims wait on, and the next hint or pass retries.
                log.warn("waiting claims could not look for work: {}", e.toString());
                pauseAfterFailure();
            }
        }
    }

    private void awaitSignal() throws InterruptedException {
        lock.lock();
        try {
            long left = SAFETY_PASS.toNanos();
            while (!pending && !closed) {
                if (left <= 0) {
                    if (waiting.get() > 0) {
                        break;
                    }
                    left = SAFETY_PASS.toNanos();
                }
                left = signalled.awaitNanos(left);
            }
            pending = false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands ready steps to the waiting claims, oldest claim first, up to the number of steps each
     * asked for (one, unless its worker has more free slots).
     */
    private void pass() {
        var exhausted = new HashSet<WorkerRouting>();
        var done = new ArrayList<Waiter>();
        for (var waiter : waiters) {
            if (closed) {
                break;
            }
            if (waiter.state.get() == State.ENDED) {
                done.add(waiter);
                continue;
            }
            if (exhausted.contains(waiter.kind) || !waiter.state.compareAndSet(State.WAITING, State.CLAIMING)) {
                continue;
            }
            List<ClaimedStep> claimed;
            try {
                claimed = claimer.claim(waiter.workerId, waiter.kind, waiter.max);
            } catch (RuntimeException e) {
                waiter.state.set(State.WAITING);
                if (closed || waiter.expired()) {
                    end(waiter);
                }
                throw e;
            }
            if (claimed.isEmpty()) {
                exhausted.add(waiter.kind);
                waiter.state.set(State.WAITING);
                if (closed || waiter.expired()) {
                    end(waiter); // its timer fired while this pass claimed for it
                }
                continue;
            }
            // Only this thread moves a claim out of CLAIMING: its wait may have ended meanwhile,
            // but the step it claimed is still answered to it, never dropped.
            waiter.state.set(State.ENDED);
            claimed.forEach(step -> watchStart(step, waiter.workerId));
            waiter.answer.complete(claimed);
            done.add(waiter);
        }
        forget(done);
    }

    /**
     * A worker started a step (through this server): its start deadline is no longer watched. A
     * start through another server is not seen here; the deadline's check then finds it started.
     */
    public void started(String jobId, String stepName) {
        unstarted.remove(key(jobId, stepName));
    }

    private static String key(String jobId, String stepName) {
        return jobId + '\u0000' + stepName;
    }

    /** Puts the step back to ready when its worker has not started it by the start deadline. */
    private void watchStart(ClaimedStep step, String workerId) {
        String key = key(step.jobId(), step.stepName());
        Object watch = new Object();
        Runnable check = () -> {
            if (!unstarted.remove(key, watch)) {
                return; // started meanwhile (or claimed again: a later watch of its own)
            }
            try {
                String message = "Worker " + workerId + " did not start step '" + step.stepName() + "' within "
                        + startDeadline.toSeconds() + "s of claiming it (the answer to its claim was probably lost); "
                        + "the step is ready again";
                if (claimer.requeueUnstarted(step.jobId(), step.stepName(), workerId, "orchestrator", message)) {
                    log.warn("job {}: {}", step.jobId(), message);
                }
            } catch (RuntimeException e) {
                // The recovery sweeper puts it back later (heartbeat_timeout_secs).
                log.warn("job {} step {}: could not check that its claim was started: {}", step.jobId(),
                        step.stepName(), e.toString());
            }
        };
        unstarted.put(key, watch);
        try {
            timers.schedule(check, startDeadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The server stops: the recovery sweeper of the next one puts it back if need be.
        }
    }

    /**
     * Ends a claim's wait with no work. A claim the dispatcher is claiming for right now is left to
     * it: it answers the claim with the step it gets, or ends it as its wait is over.
     */
    private void end(Waiter waiter) {
        if (waiter.state.compareAndSet(State.WAITING, State.ENDED)) {
            waiter.answer.complete(List.of());
            forget(List.of(waiter));
        }
    }

    private void forget(List<Waiter> ended) {
        for (var waiter : ended) {
            if (waiters.remove(waiter)) {
                waiting.decrementAndGet();
            }
        }
    }

    private void pauseAfterFailure() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Answers every waiting claim with no work at once (the server stops), then stops. */
    @Override
    public void close() {
        closed = true;
        stepsReady(); // wakes the dispatcher, which finishes the claim it may be making and stops
        try {
            dispatcher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (var waiter : List.copyOf(waiters)) {
            end(waiter);
        }
        timers.shutdownNow();
        answering.shutdown();
        try {
            // A start-deadline check under way finishes before the log store it writes to closes.
            timers.awaitTermination(5, TimeUnit.SECONDS);
            answering.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        var t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
