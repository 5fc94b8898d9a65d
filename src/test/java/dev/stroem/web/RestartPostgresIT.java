package dev.stroem.web;

import java.nio.file.Path;

class RestartPostgresIT extends RestartContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
