package dev.stroem.web;

import java.nio.file.Path;

class ApiSecurityPostgresIT extends ApiSecurityContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
