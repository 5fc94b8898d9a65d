package dev.stroem.cluster;

import java.util.function.Consumer;

/**
 * Wake-up hints between the servers of one installation: "something happened on this topic"
 * (steps became ready, a job was cancelled, workspaces reloaded). A hint carries no state and may
 * be lost or repeated; whoever listens re-reads the database, so a lost hint costs latency, never
 * correctness. A server's own hints reach its own listeners too.
 *
 * <p>Single node: {@link InProcessHints}. Several replicas on PostgreSQL: {@link PostgresHints}
 * (LISTEN/NOTIFY). Listeners registered here work unchanged on both.
 */
public interface ClusterHints extends AutoCloseable {

    /** Steps became ready: waiting claims look for work (payload: empty). */
    String STEPS_READY = "steps_ready";
    /** A job was cancelled: workers running its steps are told at once (payload: job id). */
    String JOB_CANCELLED = "job_cancelled";
    /** Workspaces were reloaded on one server: the others reload too (payload: workspace or empty). */
    String WORKSPACES_RELOADED = "workspaces_reloaded";

    /** Tells every server, this one included; never blocks for long and never throws. */
    void publish(String topic, String payload);

    /**
     * Calls {@code listener} with the payload of every hint on {@code topic}, from any server, and
     * with {@code null} after a reconnect (hints may have been missed: catch up). Must be quick.
     */
    void subscribe(String topic, Consumer<String> listener);

    @Override
    void close();
}
