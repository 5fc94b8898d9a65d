package dev.stroem.web;

import java.nio.file.Path;

class OriginalWorkerProtocolSqliteIT extends OriginalWorkerProtocolContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
