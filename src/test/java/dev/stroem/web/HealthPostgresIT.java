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
        assertThat(answer.json().path("db").asText()).as("the original's key").isEqualTo("unreachable");
    }

    @Test
    void healthzDetailNeedsTheWorkerToken_andShowsTheLeaderAndNode() {
        postgres = PostgresTestDatabase.create();
        server = TestServer.in(dir, postgres.url()).start();

        assertThat(server.api().get("/healthz/detail").status()).isEqualTo(401);
        var detail = server.worker().http().get("/healthz/detail");

        assertThat(detail.status()).isEqualTo(200);
        assertThat(detail.json().path("db").asText()).isEqualTo("ok");
        assertThat(detail.json().path("node").asText()).isNotBlank();
        assertThat(detail.json().path("leader").asBoolean()).as("the only server leads").isTrue();
        var minimal = server.api().get("/healthz").json();
        assertThat(minimal.path("status").asText()).isEqualTo("ok");
        assertThat(minimal.path("db").asText()).isEqualTo("ok");
    }
}
