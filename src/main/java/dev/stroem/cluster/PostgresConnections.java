package dev.stroem.cluster;

import dev.stroem.jobs.store.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens the dedicated PostgreSQL sessions the cluster room keeps outside the pool (a lock, a LISTEN). */
final class PostgresConnections {
    private final DatabaseUrl url;

    PostgresConnections(DatabaseUrl url) {
        if (url.kind() != DatabaseUrl.Kind.POSTGRES) {
            throw new IllegalArgumentException("cluster coordination needs PostgreSQL, not " + url.kind());
        }
        this.url = url;
    }

    Connection open(String applicationName) throws SQLException {
        var props = new Properties();
        if (url.user() != null) {
            props.setProperty("user", url.user());
        }
        if (url.password() != null) {
            props.setProperty("password", url.password());
        }
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", "5");
        props.setProperty("tcpKeepAlive", "true");
        var connection = DriverManager.getConnection(url.jdbcUrl(), props);
        connection.setAutoCommit(true);
        return connection;
    }

    static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken: nothing to release
            }
        }
    }
}
