package dev.stroem.web;

import dev.stroem.jobs.store.PostgresTestDatabase;
import java.nio.file.Path;

/** The database a {@link TestServer} runs on: a fresh SQLite file or a fresh PostgreSQL database. */
record TestDatabase(String url, AutoCloseable cleanup) implements AutoCloseable {

    static TestDatabase sqlite(Path dir) {
        return new TestDatabase("sqlite:" + dir.resolve("db").resolve("stroem.db"), () -> {});
    }

    /** A database of its own on the machine's PostgreSQL (skips without one, see {@link PostgresTestDatabase}). */
    static TestDatabase postgres() {
        var pg = PostgresTestDatabase.create();
        return new TestDatabase(pg.url(), pg);
    }

    @Override
    public void close() throws Exception {
        cleanup.close();
    }
}
