package dev.stroem.web;

import java.nio.file.Path;

class ArchiveApiPostgresIT extends ArchiveApiContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
