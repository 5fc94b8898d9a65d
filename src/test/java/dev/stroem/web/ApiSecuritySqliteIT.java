package dev.stroem.web;

import java.nio.file.Path;

class ApiSecuritySqliteIT extends ApiSecurityContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
