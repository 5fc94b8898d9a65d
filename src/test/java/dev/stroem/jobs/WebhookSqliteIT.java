package dev.stroem.jobs;

/** {@link WebhookContract} on the embedded SQLite database. */
class WebhookSqliteIT extends WebhookContract {
    @Override
    String databaseUrl() {
        return null;
    }
}
