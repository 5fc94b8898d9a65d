package dev.stroem.web;

import java.nio.file.Path;

class StatePostgresIT extends StateContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
