package dev.stroem.web;

import java.nio.file.Path;

class ArchiveApiSqliteIT extends ArchiveApiContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
