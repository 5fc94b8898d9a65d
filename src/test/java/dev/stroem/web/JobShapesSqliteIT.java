package dev.stroem.web;

import java.nio.file.Path;

class JobShapesSqliteIT extends JobShapesContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
