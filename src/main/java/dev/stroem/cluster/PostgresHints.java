package dev.stroem.cluster;

import dev.stroem.jobs.store.DatabaseUrl;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterHints} over PostgreSQL {@code LISTEN/NOTIFY} on the channel {@value #CHANNEL}:
 * {@code publish} is a {@code pg_notify} on a session of its own; one thread per server listens
 * on another and hands each hint to this server's listeners. When the listening session breaks
 * (a restart, {@code pg_terminate_backend}), it reconnects and tells every listener to catch up
 * ({@code null} payload), because hints sent meanwhile are gone; the listeners re-read the
 * database, so nothing is missed, only later.
 */
public final class PostgresHints implements ClusterHints {
    private static final Logger log = LoggerFactory.getLogger(PostgresHints.class);
    static final String CHANNEL = "stroem_hints";
    private static final char SEPARATOR = '\u001f';

    private final PostgresConnections connections;
    private final String node;
    private final InProcessHints local = new InProcessHints();
    private final Thread listener;
    private volatile boolean running = true;
    private Connection publisher;
    private volatile Connection listening;

    public PostgresHints(DatabaseUrl url, String node) {
        this.connections = new PostgresConnections(url);
        this.node = node;
        this.listener = new Thread(this::listen, "cluster-hints");
        this.listener.setDaemon(true);
    }

    public PostgresHints start() {
        listener.start();
        return this;
    }

    @Override
    public synchronized void publish(String topic, String payload) {
        String message = topic + SEPARATOR + (payload == null ? "" : payload);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (publisher == null || publisher.isClosed()) {
                    publisher = connections.open("stroem-hints-out-" + node);
                }
                try (var st = publisher.prepareStatement("SELECT pg_notify(?, ?)")) {
                    st.setString(1, CHANNEL);
                    st.setString(2, message);
                    st.execute();
                }
                return;
            } catch (SQLException e) {
                PostgresConnections.closeQuietly(publisher);
                publisher = null;
                if (attempt == 1) {
                    // Only a hint: its listeners catch up from the database on their next look.
                    log.warn("cluster hint {} could not be sent: {}", topic, e.getMessage());
                }
            }
        }
    }

    @Override
    public void subscribe(String topic, Consumer<String> listener) {
        local.subscribe(topic, listener);
    }

    /** True while the listening session is up (health). */
    public boolean listening() {
        return listening != null;
    }

    private void listen() {
        boolean first = true;
        while (running) {
            Connection connection = null;
            try {
                connection = connections.open("stroem-hints-in-" + node);
                try (var st = connection.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                listening = connection;
                if (!first) {
                    log.info("cluster hints: listening again; catching up");
                    local.deliverCatchUp();
                }
                first = false;
                var pg = connection.unwrap(PGConnection.class);
                while (running) {
                    var notifications = pg.getNotifications(500);
                    if (notifications == null) {
                        continue;
                    }
                    for (var n : notifications) {
                        String message = n.getParameter();
                        int at = message.indexOf(SEPARATOR);
                        if (at > 0) {
                            local.deliver(message.substring(0, at), message.substring(at + 1));
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    log.warn("cluster hints: listening session lost ({}); reconnecting", e.getMessage());
                    sleepQuietly();
                }
            } finally {
                listening = null;
                PostgresConnections.closeQuietly(connection);
            }
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        listener.interrupt();
        PostgresConnections.closeQuietly(listening);
        try {
            listener.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            PostgresConnections.closeQuietly(publisher);
            publisher = null;
        }
        local.close();
    }
}
