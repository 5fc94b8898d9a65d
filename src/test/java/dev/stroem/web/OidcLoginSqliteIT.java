package dev.stroem.web;

import java.nio.file.Path;

class OidcLoginSqliteIT extends OidcLoginContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
