package dev.stroem.web;

import java.nio.file.Path;

class WorkspaceDeliverySqliteIT extends WorkspaceDeliveryContract {
    @Override
    TestDatabase database(Path dir) {
        return TestDatabase.sqlite(dir);
    }
}
