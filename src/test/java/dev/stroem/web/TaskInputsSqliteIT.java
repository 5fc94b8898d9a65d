package dev.stroem.web;

import java.nio.file.Path;

class TaskInputsSqliteIT extends TaskInputsContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
