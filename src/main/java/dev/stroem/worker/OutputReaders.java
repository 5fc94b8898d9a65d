package dev.stroem.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that read steps' stdout and stderr, kept for the next steps: a trivial step costs
 * a few milliseconds of CPU, and starting (and ending) two threads of its own was a measurable
 * part of it. There is never a queue: each reader gets a thread at once, a new one when all are
 * busy (a step's pipes must be drained while it runs, or it blocks on a full pipe), so a reader
 * held by an escaped process never delays another step's. Threads idle for a minute end; they are
 * daemons, so nothing needs closing.
 */
final class OutputReaders {

    private static final long IDLE_SECONDS = 60;

    private final ThreadPoolExecutor threads;

    OutputReaders() {
        var count = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), task -> {
                    Thread t = new Thread(task, "step-output-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Runs {@code reader} on a thread of its own, named {@code name} while it runs (thread dumps
     * show whose output it reads); the future completes when it returned.
     */
    CompletableFuture<Void> read(String name, Runnable reader) {
        return CompletableFuture.runAsync(() -> {
            Thread self = Thread.currentThread();
            String idle = self.getName();
            self.setName(name);
            try {
                reader.run();
            } finally {
                self.setName(idle);
            }
        }, threads);
    }
}
