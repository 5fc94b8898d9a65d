package dev.stroem.jobs.store;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh, empty PostgreSQL database for one test class, dropped afterwards. The server is the
 * machine's ({@code STROEM_TEST_PG_URL}, default {@code postgres://postgres@127.0.0.1:5432/test}).
 * Without a reachable server the test is skipped, unless {@code STROEM_REQUIRE_ALL_TESTS=1}.
 */
public final class PostgresTestDatabase implements AutoCloseable {
    private static final String DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test";

    private final DatabaseUrl admin;
    private final String name;
    private final String url;

    private PostgresTestDatabase(DatabaseUrl admin, String name, String url) {
        this.admin = admin;
        this.name = name;
        this.url = url;
    }

    public static PostgresTestDatabase create() {
        String base = System.getenv().getOrDefault("STROEM_TEST_PG_URL", DEFAULT_URL);
        var admin = DatabaseUrl.parse(base);
        String name = "stroem_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (var c = DriverManager.getConnection(admin.jdbcUrl(), credentials(admin));
                var st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            if ("1".equals(System.getenv("STROEM_REQUIRE_ALL_TESTS"))) {
                throw new IllegalStateException("PostgreSQL at " + base + " is required (STROEM_REQUIRE_ALL_TESTS=1) "
                        + "but not usable: " + e.getMessage(), e);
            }
            Assumptions.abort("PostgreSQL not reachable at " + base + ": " + e.getMessage());
        }
        String dbUrl = base.substring(0, base.lastIndexOf('/') + 1) + name;
        return new PostgresTestDatabase(admin, name, dbUrl);
    }

    /** The {@code db.url} of the fresh database, as a server config would give it. */
    public String url() {
        return url;
    }

    @Override
    public void close() {
        try (var c = DriverManager.getConnection(admin.jdbcUrl(), credentials(admin));
                var st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test database " + name, e);
        }
    }

    /** The JDBC user and password of {@code url}, for a plain {@code DriverManager} connection. */
    public static Properties credentials(DatabaseUrl url) {
        var p = new Properties();
        if (url.user() != null) {
            p.setProperty("user", url.user());
        }
        if (url.password() != null) {
            p.setProperty("password", url.password());
        }
        return p;
    }
}
