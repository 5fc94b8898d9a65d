package dev.stroem.web;

import java.nio.file.Path;

class WorkerApiPostgresIT extends WorkerApiContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
