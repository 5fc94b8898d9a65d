package dev.stroem.web;

import java.nio.file.Path;

class JobShapesPostgresIT extends JobShapesContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
