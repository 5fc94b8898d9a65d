package dev.stroem.jobs;

/** {@link LoopsContract} on the embedded SQLite database. */
class LoopsSqliteIT extends LoopsContract {
    @Override
    String databaseUrl() {
        return null;
    }
}
