package dev.stroem.web;

import java.nio.file.Path;

class AuthFlowPostgresIT extends AuthFlowContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
