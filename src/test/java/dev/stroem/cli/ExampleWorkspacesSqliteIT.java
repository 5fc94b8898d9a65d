package dev.stroem.cli;

/** {@link ExampleWorkspacesContract} on SQLite. */
class ExampleWorkspacesSqliteIT extends ExampleWorkspacesContract {
    @Override
    String databaseUrl() {
        return "sqlite:" + dir.resolve("stroem.db");
    }
}
