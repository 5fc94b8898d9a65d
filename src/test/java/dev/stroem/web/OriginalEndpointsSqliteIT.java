package dev.stroem.web;

import java.nio.file.Path;

class OriginalEndpointsSqliteIT extends OriginalEndpointsContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
