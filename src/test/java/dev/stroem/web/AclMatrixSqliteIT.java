package dev.stroem.web;

import java.nio.file.Path;

class AclMatrixSqliteIT extends AclMatrixContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
