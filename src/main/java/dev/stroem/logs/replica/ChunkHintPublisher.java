package dev.stroem.logs.replica;

import dev.stroem.cluster.ClusterHints;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the other replicas which jobs have new chunks ({@link ChunkFollower#TOPIC}), off the ingest
 * path: ingest only marks the job; one thread sends the marked jobs, several per hint, so a burst
 * of batches costs a few notifications rather than one database round trip each. A hint is only a
 * wake-up: a lost one costs the other replicas' viewers at most one {@link ChunkFollower#SWEEP}.
 */
public final class ChunkHintPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChunkHintPublisher.class);
    /** PostgreSQL refuses notification payloads of 8000 bytes or more. */
    private static final int MAX_PAYLOAD_CHARS = 3_000;

    private final ClusterHints hints;
    private final Set<String> marked = ConcurrentHashMap.newKeySet();
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;

    public ChunkHintPublisher(ClusterHints hints) {
        this.hints = hints;
        this.thread = new Thread(this::run, "log-chunk-hints");
        this.thread.setDaemon(true);
    }

    public ChunkHintPublisher start() {
        thread.start();
        return this;
    }

    /** The job has a new chunk; cheap and never blocks. */
    public void chunkAdded(String jobId) {
        if (marked.add(jobId)) {
            wake.release();
        }
    }

    private void run() {
        while (running) {
            try {
                wake.acquire();
                wake.drainPermits();
                List<String> jobs = new ArrayList<>(marked);
                marked.removeAll(jobs);
                var payload = new StringBuilder();
                for (String jobId : jobs) {
                    if (payload.length() + jobId.length() + 1 > MAX_PAYLOAD_CHARS) {
                        hints.publish(ChunkFollower.TOPIC, payload.toString());
                        payload.setLength(0);
                    }
                    if (!payload.isEmpty()) {
                        payload.append('\n');
                    }
                    payload.append(jobId);
                }
                if (!payload.isEmpty()) {
                    hints.publish(ChunkFollower.TOPIC, payload.toString());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("log chunk hints could not be sent: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
