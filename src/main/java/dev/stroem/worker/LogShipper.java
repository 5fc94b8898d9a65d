package dev.stroem.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships step output to {@code POST /worker/jobs/{id}/logs}, losing and duplicating nothing.
 *
 * <p>Each step's lines are batched (by count, size and age, see {@link ShipperSettings}) and its
 * batches delivered in order by a sender of its own, retried with backoff while the server is
 * unreachable or failing, each with a fixed {@code batch_id} so the server can drop repeats.
 * Batches waiting beyond the worker's memory budget go to the {@link LogSpool}; batches spooled
 * by an earlier run are sent at {@link #start()}; {@link #shutdown} spools what it cannot send.
 */
public final class LogShipper {

    private static final Logger log = LoggerFactory.getLogger(LogShipper.class);

    private final WorkerApiClient api;
    private final LogSpool spool;
    private final ShipperSettings settings;
    private final AtomicLong seq;
    private final AtomicLong memoryInUse = new AtomicLong();
    private final Set<StepLog> active = ConcurrentHashMap.newKeySet();
    private final ExecutorService senders;
    private volatile boolean draining;
    private volatile boolean aborting;

    public LogShipper(WorkerApiClient api, LogSpool spool, ShipperSettings settings) throws IOException {
        this.api = api;
        this.spool = spool;
        this.settings = settings;
        List<LogSpool.Entry> entries = spool.entries();
        this.seq = new AtomicLong(entries.isEmpty() ? 1 : entries.get(entries.size() - 1).seq() + 1);
        var threads = new AtomicInteger();
        this.senders = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "log-shipper-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Sends the batches an earlier run of the worker left in the spool, in their order per step,
     * in the background. Returns how many there were.
     */
    public int start() throws IOException {
        Map<String, StepLog> restored = new LinkedHashMap<>();
        int count = 0;
        for (LogSpool.Entry entry : spool.entries()) {
            LogSpool.SpooledBatch header;
            try {
                header = spool.readHeader(entry.file());
            } catch (IOException e) {
                log.error("Cannot read the spool file {}; moved aside: {}", entry.file(), e.getMessage());
                spool.quarantine(entry.file());
                continue;
            }
            StepLog step = restored.computeIfAbsent(header.jobId() + "\u0000" + header.stepName(),
                    k -> new StepLog(this, header.jobId(), header.stepName()));
            step.restore(new StepLog.Batch(entry.seq(), entry.batchId(), Files.size(entry.file()), null, entry.file()));
            count++;
        }
        if (count > 0) {
            log.info("Sending {} log batches of {} steps left in the spool {} by an earlier run",
                    count, restored.size(), spool.dir());
        }
        restored.values().forEach(this::launch);
        return count;
    }

    /** Starts shipping the lines of a step; close the returned log when the step has ended. */
    public StepLog openStep(String jobId, String stepName) {
        if (aborting) {
            throw new IllegalStateException("The log shipper is shut down");
        }
        StepLog step = new StepLog(this, jobId, stepName);
        launch(step);
        return step;
    }

    /**
     * Sends what it can within {@code timeout} (open batches go out at once), then stops and
     * spools every batch the server has not acknowledged. Call it after the steps have ended.
     */
    public void shutdown(Duration timeout) throws InterruptedException {
        draining = true;
        active.forEach(StepLog::hurry);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (active) {
            while (!active.isEmpty() && System.nanoTime() < deadline) {
                active.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        }
        aborting = true;
        senders.shutdownNow();
        if (!senders.awaitTermination(10, TimeUnit.SECONDS)) {
            log.warn("Some log senders did not stop in time");
        }
        for (StepLog step : Set.copyOf(active)) {
            step.abort();
            active.remove(step);
        }
    }

    private void launch(StepLog step) {
        active.add(step);
        senders.execute(step::ship);
    }

    // --- for StepLog ---------------------------------------------------------------------------

    ShipperSettings settings() {
        return settings;
    }

    WorkerApiClient api() {
        return api;
    }

    boolean draining() {
        return draining;
    }

    boolean aborting() {
        return aborting;
    }

    long nextSeq() {
        return seq.getAndIncrement();
    }

    Path spoolDir() {
        return spool.dir();
    }

    /** Takes {@code bytes} of the memory budget, or answers false when they do not fit. */
    boolean reserveMemory(long bytes) {
        while (true) {
            long used = memoryInUse.get();
            // An empty budget always takes one batch, so a tiny budget cannot stall shipping.
            if (used > 0 && used + bytes > settings.memoryBudgetBytes()) {
                return false;
            }
            if (memoryInUse.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    void forceReserveMemory(long bytes) {
        memoryInUse.addAndGet(bytes);
    }

    void releaseMemory(long bytes) {
        memoryInUse.addAndGet(-bytes);
    }

    Path spool(StepLog step, StepLog.Batch batch) throws IOException {
        return spool.write(new LogSpool.SpooledBatch(batch.seq, step.jobId(), step.stepName(), batch.batchId, batch.lines));
    }

    List<ShippedLine> readSpooled(Path file) throws IOException {
        return spool.read(file).lines();
    }

    void deleteSpooled(Path file) {
        spool.delete(file);
    }

    void quarantine(Path file) {
        spool.quarantine(file);
    }

    void finished(StepLog step) {
        synchronized (active) {
            active.remove(step);
            active.notifyAll();
        }
    }
}
