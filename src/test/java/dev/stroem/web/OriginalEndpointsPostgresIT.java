package dev.stroem.web;

import java.nio.file.Path;

class OriginalEndpointsPostgresIT extends OriginalEndpointsContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
