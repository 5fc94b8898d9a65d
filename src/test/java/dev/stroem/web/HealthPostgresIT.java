package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.jobs.store.PostgresTestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /healthz} tells when the database goes away. On PostgreSQL only: there the database can
 * really vanish under a running server (dropped with its connections); an open SQLite file cannot.
 */
class HealthPostgresIT {
    @TempDir
    Path dir;

    private PostgresTestDatabase postgres;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void healthzIs503WhileTheDatabaseIsUnreachable() {
        postgres = PostgresTestDatabase.create();
        server = TestServer.in(dir, postgres.url()).start();
        var api = server.api();
        assertThat(api.get("/healthz").status()).isEqualTo(200);

        postgres.close(); // DROP DATABASE … WITH (FORCE): every connection of the server is cut

        var answer = api.get("/healthz");
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().path("status").asText()).isEqualTo("unavailable");
        assertThat(answer.json().path("database").asText()).isEqualTo("unreachable");
    }
}
