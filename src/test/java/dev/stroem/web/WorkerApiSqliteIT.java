package dev.stroem.web;

import java.nio.file.Path;

class WorkerApiSqliteIT extends WorkerApiContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
