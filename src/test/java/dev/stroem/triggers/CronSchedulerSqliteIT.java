package dev.stroem.triggers;

/** The cron scheduler on SQLite, the embedded default. */
class CronSchedulerSqliteIT extends CronSchedulerContract {
    @Override
    String databaseUrl() {
        return "sqlite:" + dir.resolve("stroem.db");
    }
}
