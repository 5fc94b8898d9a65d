package dev.stroem.web;

import java.nio.file.Path;

class LogsApiPostgresIT extends LogsApiContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
