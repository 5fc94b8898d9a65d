package dev.stroem.jobs.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;

/**
 * The job database: a connection pool on SQLite (WAL) or PostgreSQL, migrated by Flyway at
 * open, with JDBI on top. One instance per server process.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final SqlDialect dialect;
    private final DatabaseUrl url;

    private Database(DatabaseUrl url, HikariDataSource dataSource, SqlDialect dialect) {
        this.url = url;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Opens the pool and brings the schema up to date. */
    public static Database open(String configuredUrl) {
        var url = DatabaseUrl.parse(configuredUrl);
        var hikari = new HikariConfig();
        hikari.setJdbcUrl(url.jdbcUrl());
        hikari.setPoolName("stroem-db");
        SqlDialect dialect;
        if (url.kind() == DatabaseUrl.Kind.SQLITE) {
            createParentDirectory(url.jdbcUrl().substring("jdbc:sqlite:".length()));
            var sqlite = new SQLiteConfig();
            sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
            sqlite.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            sqlite.setBusyTimeout(30_000);
            sqlite.enforceForeignKeys(true);
            sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            hikari.setDataSourceProperties(sqlite.toProperties());
            // One writer at a time is all SQLite allows; a small pool keeps readers going.
            hikari.setMaximumPoolSize(4);
            dialect = new SqlDialect.Sqlite();
        } else {
            if (url.user() != null) {
                hikari.setUsername(url.user());
            }
            if (url.password() != null) {
                hikari.setPassword(url.password());
            }
            hikari.setMaximumPoolSize(10);
            dialect = new SqlDialect.Postgres();
        }
        hikari.setConnectionTimeout(10_000);
        var dataSource = new HikariDataSource(hikari);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    // db/postgresql: what only PostgreSQL has (e.g. a column's compression), in the same numbering.
                    .locations(dialect instanceof SqlDialect.Postgres
                            ? new String[] {"classpath:db/migration", "classpath:db/postgresql"}
                            : new String[] {"classpath:db/migration"})
                    // Migrations are numbered by issue (V12_1 may land after V15_1): a database
                    // migrated by an earlier build still takes the lower-numbered ones it lacks.
                    .outOfOrder(true)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(url, dataSource, dialect);
    }

    private static void createParentDirectory(String file) {
        var parent = Path.of(file).toAbsolutePath().getParent();
        if (parent != null) {
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the directory of the SQLite database " + file, e);
            }
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    SqlDialect dialect() {
        return dialect;
    }

    public DatabaseUrl.Kind kind() {
        return url.kind();
    }

    /** The database's location as configured (the cluster room opens sessions of its own there). */
    public DatabaseUrl url() {
        return url;
    }

    /** True when a trivial query succeeds: what {@code /healthz} reports. */
    public boolean isReachable() {
        try {
            return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
