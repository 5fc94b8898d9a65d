package dev.stroem.web;

import java.nio.file.Path;

class OriginalWorkerProtocolPostgresIT extends OriginalWorkerProtocolContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
