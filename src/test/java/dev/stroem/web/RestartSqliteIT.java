package dev.stroem.web;

import java.nio.file.Path;

class RestartSqliteIT extends RestartContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
