package dev.stroem.cluster;

import dev.stroem.jobs.store.DatabaseUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election with a PostgreSQL advisory lock, as the original does: every server tries
 * {@code pg_try_advisory_lock} on a session of its own every {@code interval}; the one that holds
 * it is the leader for as long as that session lives. When the leader dies or its connection
 * drops, PostgreSQL releases the lock and another server takes it at its next try, so a
 * follower takes over within about {@code interval}. A server that finds its session broken
 * stops being the leader at once. Leader work must tolerate a short overlap (a dead leader's
 * last round may still run while the new one starts): the sweepers' work is idempotent.
 */
public final class PostgresLeader implements LeaderGate, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresLeader.class);
    /** The advisory lock's key: "stroem" + "L" in ASCII, one per database. */
    static final long LOCK_KEY = 0x7374726f656d4cL;

    private final PostgresConnections connections;
    private final String node;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean leader;
    private volatile boolean running = true;
    private Connection session;

    public PostgresLeader(DatabaseUrl url, String node, Duration interval) {
        this.connections = new PostgresConnections(url);
        this.node = node;
        this.interval = interval;
        this.thread = new Thread(this::run, "leader-election");
        this.thread.setDaemon(true);
    }

    public PostgresLeader start() {
        tryOnce();
        thread.start();
        return this;
    }

    @Override
    public boolean isLeader() {
        return leader;
    }

    private void run() {
        while (running) {
            try {
                TimeUnit.MILLISECONDS.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            tryOnce();
        }
    }

    /** One round: keep the lock if the session is healthy, else (re)connect and try to take it. */
    synchronized void tryOnce() {
        try {
            if (session == null || !session.isValid(2)) {
                if (leader) {
                    log.warn("node {}: the leader's database session was lost; no longer the leader", node);
                }
                leader = false;
                PostgresConnections.closeQuietly(session);
                session = connections.open("stroem-leader-" + node);
            }
            if (!leader) {
                try (var st = session.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                    st.setLong(1, LOCK_KEY);
                    try (var rs = st.executeQuery()) {
                        leader = rs.next() && rs.getBoolean(1);
                    }
                }
                if (leader) {
                    log.info("node {} is now the leader (recovery, retention and scheduling run here)", node);
                }
            }
        } catch (SQLException e) {
            if (leader) {
                log.warn("node {}: leader session failed ({}); no longer the leader", node, e.getMessage());
            }
            leader = false;
            PostgresConnections.closeQuietly(session);
            session = null;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            leader = false;
            // Closing the session releases the lock: a follower takes over at its next try.
            PostgresConnections.closeQuietly(session);
            session = null;
        }
    }
}
