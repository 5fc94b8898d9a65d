package dev.stroem.web;

import java.nio.file.Path;

class JobsApiSqliteIT extends JobsApiContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
