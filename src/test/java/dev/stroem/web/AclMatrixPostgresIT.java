package dev.stroem.web;

import java.nio.file.Path;

class AclMatrixPostgresIT extends AclMatrixContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
