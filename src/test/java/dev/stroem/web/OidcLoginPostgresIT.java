package dev.stroem.web;

import java.nio.file.Path;

class OidcLoginPostgresIT extends OidcLoginContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
