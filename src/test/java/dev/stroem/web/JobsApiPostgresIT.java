package dev.stroem.web;

import java.nio.file.Path;

class JobsApiPostgresIT extends JobsApiContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
