package dev.stroem.jobs.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The log chunk contract on SQLite (one server per file: the "other replica" is the same pool). */
class SqliteLogChunkStoreTest extends LogChunkStoreContract {
    @TempDir
    Path dir;

    @Override
    Database openDatabase() {
        return Database.open("sqlite:" + dir.resolve("stroem.db"));
    }

    @Override
    Database openOtherReplica() {
        return db;
    }

    @Override
    void closeDatabases() {
        db.close();
    }
}
