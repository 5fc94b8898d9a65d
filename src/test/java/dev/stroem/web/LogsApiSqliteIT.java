package dev.stroem.web;

import java.nio.file.Path;

class LogsApiSqliteIT extends LogsApiContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
