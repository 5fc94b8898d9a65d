package dev.stroem.jobs;

/** {@link ConditionsContract} on the embedded SQLite database. */
class ConditionsSqliteIT extends ConditionsContract {
    @Override
    String databaseUrl() {
        return null;
    }
}
