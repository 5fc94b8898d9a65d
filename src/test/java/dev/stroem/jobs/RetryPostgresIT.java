package dev.stroem.jobs;

import dev.stroem.jobs.store.PostgresTestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RetryContract} on PostgreSQL (skipped without a server unless STROEM_REQUIRE_ALL_TESTS=1). */
class RetryPostgresIT extends RetryContract {
    private static PostgresTestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    String databaseUrl() {
        return database.url();
    }
}
