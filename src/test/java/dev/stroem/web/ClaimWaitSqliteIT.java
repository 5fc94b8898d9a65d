package dev.stroem.web;

import java.nio.file.Path;

class ClaimWaitSqliteIT extends ClaimWaitContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
