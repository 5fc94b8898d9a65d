package dev.stroem.cli;

import dev.stroem.jobs.store.PostgresTestDatabase;

/** {@link ExampleWorkspacesContract} on PostgreSQL (skipped without a server unless STROEM_REQUIRE_ALL_TESTS=1). */
class ExampleWorkspacesPostgresIT extends ExampleWorkspacesContract {
    private PostgresTestDatabase database;

    @Override
    String databaseUrl() {
        if (database == null) {
            database = PostgresTestDatabase.create(); // called once, before the server starts
        }
        return database.url();
    }

    @Override
    void afterProcessesStopped() {
        if (database != null) {
            database.close();
        }
    }
}
