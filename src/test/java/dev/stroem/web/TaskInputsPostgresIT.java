package dev.stroem.web;

import java.nio.file.Path;

class TaskInputsPostgresIT extends TaskInputsContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
