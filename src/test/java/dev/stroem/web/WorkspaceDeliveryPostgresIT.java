package dev.stroem.web;

import java.nio.file.Path;

class WorkspaceDeliveryPostgresIT extends WorkspaceDeliveryContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.postgres();
    }
}
