package dev.stroem.worker;

import dev.stroem.logs.LogLine;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One step's lines on their way to the server: an open batch being filled, then sealed batches
 * (in memory or spooled) sent strictly one after the other, batch k+1 only once k was
 * acknowledged. A batch keeps its {@code batch_id} for every retry.
 */
public final class StepLog {

    private static final Logger log = LoggerFactory.getLogger(StepLog.class);

    /** A sealed batch: its lines are in memory, or on disk in {@code file}, or (while spooling) both. */
    static final class Batch {
        final long seq;
        final String batchId;
        final long weight;
        List<ShippedLine> lines;
        Path file;

        Batch(long seq, String batchId, long weight, List<ShippedLine> lines, Path file) {
            this.seq = seq;
            this.batchId = batchId;
            this.weight = weight;
            this.lines = lines;
            this.file = file;
        }
    }

    private enum Delivery { DELIVERED, DROPPED, ABORTED }

    private final LogShipper shipper;
    private final String jobId;
    private final String stepName;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Batch> queue = new ArrayDeque<>();
    private final CompletableFuture<ShipResult> done = new CompletableFuture<>();
    private final Backoff backoff;

    private List<ShippedLine> open = new ArrayList<>();
    private long openWeight;
    private long openSinceNanos;
    private boolean closed;
    private boolean aborted;
    private boolean spoolingAnnounced;
    private int droppedBatches;
    private int failuresInRow;
    private long lostAfterAbort;
    private long droppedAfterClose;

    StepLog(LogShipper shipper, String jobId, String stepName) {
        this.shipper = shipper;
        this.jobId = jobId;
        this.stepName = stepName;
        this.backoff = new Backoff(shipper.settings().initialBackoff(), shipper.settings().maxBackoff());
    }

    public String jobId() {
        return jobId;
    }

    public String stepName() {
        return stepName;
    }

    /** Takes a line of this step; safe to call from the stdout and stderr readers at once. */
    public void append(LogLine line) {
        ShippedLine shipped = ShippedLine.of(line);
        lock.lock();
        try {
            if (closed && !aborted) {
                // The step is over; a line now can only come from a process it left behind.
                if (droppedAfterClose++ == 0) {
                    log.warn("Step '{}' of job {} printed after it ended; such lines are dropped", stepName, jobId);
                }
                return;
            }
            if (aborted) {
                if (lostAfterAbort++ == 0) {
                    log.warn("Step '{}' of job {} printed after the worker spooled its logs at shutdown; "
                            + "such lines are not kept", stepName, jobId);
                }
                return;
            }
            if (open.isEmpty()) {
                openSinceNanos = System.nanoTime();
                changed.signalAll();
            }
            open.add(shipped);
            openWeight += shipped.weight();
            if (open.size() >= shipper.settings().maxBatchLines() || openWeight >= shipper.settings().maxBatchBytes()) {
                seal();
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Lines appended after {@link #close()} and dropped. */
    long droppedAfterClose() {
        lock.lock();
        try {
            return droppedAfterClose;
        } finally {
            lock.unlock();
        }
    }

    /**
     * No more lines will come. The future completes once every batch was acknowledged (or
     * refused for good), or with {@link ShipResult#SPOOLED} when the worker shut down first.
     */
    public CompletableFuture<ShipResult> close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return done;
    }

    /**
     * The last lines of a step, taken to go with its completion (one round trip instead of two);
     * {@code batchId} stays the same for every retry, so the server writes them once.
     */
    public record Tail(long seq, String batchId, List<ShippedLine> lines, long weight) {}

    /**
     * As {@link #close()}, but when every earlier batch of the step was acknowledged already, the
     * lines not sent yet are handed to the caller, to send with the step's completion, instead of
     * going out as a batch of their own. Null when there is nothing to take: no open lines, or
     * earlier batches still on their way (the open lines then follow them as {@link #close()} sends them,
     * keeping the order). A caller that cannot deliver the tail must {@link #spool} it.
     */
    public Tail closeTakingTail() {
        lock.lock();
        try {
            Tail tail = null;
            if (!closed && !aborted && queue.isEmpty() && !open.isEmpty()) {
                tail = new Tail(shipper.nextSeq(), UUID.randomUUID().toString(), List.copyOf(open), openWeight);
                open = new ArrayList<>();
                openWeight = 0;
            }
            closed = true;
            changed.signalAll();
            return tail;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Keeps a tail that could not be delivered with the completion (the worker shuts down) in the
     * spool, after the step's earlier batches: the next start sends it under the same batch id.
     */
    public void spool(Tail tail) {
        try {
            shipper.spool(this, new Batch(tail.seq(), tail.batchId(), tail.weight(), tail.lines(), null));
            log.warn("The last log lines of step '{}' of job {} wait in the spool for the next worker start",
                    stepName, jobId);
        } catch (IOException e) {
            log.error("Cannot spool the last log lines of step '{}' of job {} at shutdown; its {} lines are lost: {}",
                    stepName, jobId, tail.lines().size(), e.getMessage());
        }
    }

    /** Restores a batch a previous worker run left in the spool; the step is closed already. */
    void restore(Batch batch) {
        lock.lock();
        try {
            queue.addLast(batch);
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the sender so that shutdown sends the open batch without waiting for its interval. */
    void hurry() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The sender: runs on its own thread until everything is delivered or the shipper aborts. */
    void ship() {
        try {
            while (true) {
                Batch batch = nextBatch();
                if (batch == null) {
                    shipper.finished(this);
                    done.complete(droppedBatches > 0 ? ShipResult.INCOMPLETE : ShipResult.DELIVERED);
                    return;
                }
                Delivery delivery = deliver(batch);
                if (delivery == Delivery.ABORTED) {
                    return;
                }
                lock.lock();
                try {
                    queue.removeFirst();
                } finally {
                    lock.unlock();
                }
                release(batch);
                if (delivery == Delivery.DROPPED) {
                    droppedBatches++;
                }
            }
        } catch (InterruptedException e) {
            // The shipper aborts: what is left is spooled by abort().
        } catch (RuntimeException e) {
            log.error("Shipping the logs of step '{}' of job {} failed", stepName, jobId, e);
            done.completeExceptionally(e);
            shipper.finished(this);
        }
    }

    private Batch nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (!queue.isEmpty()) {
                    return queue.peekFirst();
                }
                if (!open.isEmpty()) {
                    long wait = openSinceNanos + shipper.settings().flushInterval().toNanos() - System.nanoTime();
                    if (closed || shipper.draining() || wait <= 0) {
                        seal();
                        continue;
                    }
                    changed.awaitNanos(wait);
                } else if (closed) {
                    return null;
                } else if (shipper.draining()) {
                    changed.await(100, TimeUnit.MILLISECONDS);
                } else {
                    changed.await();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Moves the open lines into a sealed batch, spooled when the worker's memory budget is used up. */
    private void seal() {
        Batch batch = new Batch(shipper.nextSeq(), UUID.randomUUID().toString(), openWeight, List.copyOf(open), null);
        open = new ArrayList<>();
        openWeight = 0;
        if (!shipper.reserveMemory(batch.weight)) {
            try {
                batch.file = shipper.spool(this, batch);
                batch.lines = null;
                if (!spoolingAnnounced) {
                    spoolingAnnounced = true;
                    log.info("Log buffer full: spooling batches of step '{}' of job {} to {}",
                            stepName, jobId, shipper.spoolDir());
                }
            } catch (IOException e) {
                // Better over budget than a lost line.
                log.error("Cannot spool a log batch of step '{}' of job {}; keeping it in memory: {}",
                        stepName, jobId, e.getMessage());
                shipper.forceReserveMemory(batch.weight);
            }
        }
        queue.addLast(batch);
    }

    private Delivery deliver(Batch batch) throws InterruptedException {
        List<ShippedLine> lines = batch.lines;
        if (lines == null) {
            try {
                lines = shipper.readSpooled(batch.file);
            } catch (NoSuchFileException e) {
                // Another worker sharing this spool directory sent it already.
                batch.file = null;
                return Delivery.DELIVERED;
            } catch (IOException e) {
                log.error("Cannot read the spooled log batch {} of step '{}' of job {}; moved aside: {}",
                        batch.file, stepName, jobId, e.getMessage());
                shipper.quarantine(batch.file);
                batch.file = null;
                return Delivery.DROPPED;
            }
        }
        while (!shipper.aborting()) {
            try {
                LogAck ack = shipper.api().sendLogs(jobId, stepName, batch.batchId, lines);
                if (ack.duplicate()) {
                    log.debug("The server had log batch {} already (an earlier answer was lost)", batch.batchId);
                }
                if (failuresInRow > 0) {
                    log.info("Shipping logs of step '{}' of job {} works again (after {} failed attempts)",
                            stepName, jobId, failuresInRow);
                    failuresInRow = 0;
                }
                backoff.reset();
                return Delivery.DELIVERED;
            } catch (WorkerApiException e) {
                if (!e.retryable()) {
                    log.error("The server refused a log batch of step '{}' of job {} ({} lines, batch {}); "
                            + "dropping it: {}", stepName, jobId, lines.size(), batch.batchId, e.getMessage());
                    return Delivery.DROPPED;
                }
                if (failuresInRow++ == 0) {
                    log.warn("Cannot ship logs of step '{}' of job {}; retrying: {}", stepName, jobId, e.getMessage());
                } else {
                    log.debug("Attempt {} at log batch {} failed: {}", failuresInRow, batch.batchId, e.getMessage());
                }
                Thread.sleep(backoff.next().toMillis());
            }
        }
        return Delivery.ABORTED;
    }

    private void release(Batch batch) {
        if (batch.lines != null) {
            shipper.releaseMemory(batch.weight);
        }
        if (batch.file != null) {
            shipper.deleteSpooled(batch.file);
        }
    }

    /**
     * Called by the shipper once this step's sender stopped: seals the open lines and spools every
     * batch still in memory, so the next worker start sends them.
     */
    void abort() {
        lock.lock();
        try {
            aborted = true;
            if (!open.isEmpty()) {
                Batch batch = new Batch(shipper.nextSeq(), UUID.randomUUID().toString(), openWeight, List.copyOf(open), null);
                open = new ArrayList<>();
                shipper.forceReserveMemory(batch.weight);
                queue.addLast(batch);
            }
            int spooled = 0;
            for (Batch batch : queue) {
                if (batch.file == null) {
                    try {
                        batch.file = shipper.spool(this, batch);
                        batch.lines = null;
                        shipper.releaseMemory(batch.weight);
                    } catch (IOException e) {
                        log.error("Cannot spool a log batch of step '{}' of job {} at shutdown; its {} lines are lost: {}",
                                stepName, jobId, batch.lines.size(), e.getMessage());
                        continue;
                    }
                }
                spooled++;
            }
            if (spooled > 0) {
                log.warn("{} log batches of step '{}' of job {} wait in the spool for the next worker start",
                        spooled, stepName, jobId);
            }
        } finally {
            lock.unlock();
        }
        done.complete(ShipResult.SPOOLED);
    }

}
