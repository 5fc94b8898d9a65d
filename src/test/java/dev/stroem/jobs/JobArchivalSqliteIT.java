package dev.stroem.jobs;

/** {@link JobArchivalContract} on the embedded SQLite database. */
class JobArchivalSqliteIT extends JobArchivalContract {
    @Override
    String databaseUrl() {
        return null;
    }
}
