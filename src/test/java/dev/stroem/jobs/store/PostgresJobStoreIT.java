package dev.stroem.jobs.store;

/** The job store contract on the machine's PostgreSQL, in a database of its own. */
class PostgresJobStoreIT extends JobStoreContract {
    private PostgresTestDatabase postgres;

    @Override
    Database openDatabase() {
        postgres = PostgresTestDatabase.create();
        return Database.open(postgres.url());
    }

    @Override
    void closeDatabase() {
        super.closeDatabase();
        postgres.close();
    }
}
