package dev.stroem.jobs;

/** {@link RetryContract} on the embedded SQLite database. */
class RetrySqliteIT extends RetryContract {
    @Override
    String databaseUrl() {
        return null;
    }
}
