package dev.stroem.jobs.store;

/** The log chunk contract on the machine's PostgreSQL: two pools on one database, as two replicas have. */
class PostgresLogChunkStoreIT extends LogChunkStoreContract {
    private PostgresTestDatabase postgres;

    @Override
    Database openDatabase() {
        postgres = PostgresTestDatabase.create();
        return Database.open(postgres.url());
    }

    @Override
    Database openOtherReplica() {
        return Database.open(postgres.url());
    }

    @Override
    void closeDatabases() {
        otherReplica.close();
        db.close();
        postgres.close();
    }
}
