package dev.stroem.jobs;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server with one workflow file and one real worker ({@code w1}), on the database a subclass
 * names: the common ground of the flow-control contracts, which differ only in their workflows.
 */
abstract class ServerWithWorkerContract {

    @TempDir
    Path dir;

    ServerFixture server;

    /** The database URL; null for the fixture's SQLite file. */
    abstract String databaseUrl();

    /** The workflow file's name under {@code .workflows/}. */
    abstract String workflowFile();

    /** The workflow file's YAML. */
    abstract String workflow();

    /** Anything a contract adds before the server starts (another workspace); nothing by default. */
    void configure(ServerFixture fixture) {}

    @BeforeEach
    void startServerAndWorker() {
        server = new ServerFixture(dir).workflow(workflowFile(), workflow());
        if (databaseUrl() != null) {
            server.withDatabase(databaseUrl());
        }
        configure(server);
        server.start();
        server.startWorker("w1");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }
}
