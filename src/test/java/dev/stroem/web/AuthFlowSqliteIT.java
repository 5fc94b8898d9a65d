package dev.stroem.web;

import java.nio.file.Path;

class AuthFlowSqliteIT extends AuthFlowContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
