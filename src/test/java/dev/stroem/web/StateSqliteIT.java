package dev.stroem.web;

import java.nio.file.Path;

class StateSqliteIT extends StateContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
