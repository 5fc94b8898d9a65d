package dev.stroem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stroem.web.HttpTestClient;
import dev.stroem.web.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A user's API key with the command-line clients against a server with users: as {@code --token}
 * (before or after the subcommand, of {@code stroem} and {@code stroem-api}) and as
 * {@code STROEM_TOKEN}; once the key is revoked, the same commands are refused with a sentence
 * and a non-zero exit.
 */
class ApiKeyCliIT {
    private static final String AUTH_YAML = """
            auth:
              jwt_secret: "cli-jwt-secret"
              refresh_secret: "cli-refresh-secret"
              providers:
                internal:
                  provider_type: internal
              initial_user:
                email: admin@stroem.local
                password: admin
            """;

    @TempDir
    static Path dir;

    private static TestServer server;
    private static HttpTestClient admin;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() {
        server = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db")).yaml(AUTH_YAML).start();
        var login = server.api().post("/api/auth/login", Map.of("email", "admin@stroem.local", "password", "admin"));
        admin = server.api().withToken(login.json().path("access_token").asText());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Run run(CommandLine cli, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Run stroem(Map<String, String> env, String... args) {
        return run(StroemCommand.commandLine(env), args);
    }

    private static String createKey(String name) {
        var created = admin.post("/api/auth/api-keys", Map.of("name", name));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        return created.json().path("key").asText();
    }

    @Test
    void anApiKeyWorksAsTokenAndAsStroemTokenUntilItIsRevoked() {
        String key = createKey("cli");
        String url = server.url();

        Run trigger = stroem(Map.of(), "--server", url, "--token", key, "trigger", "hello-world", "-i", "name=cli");
        assertThat(trigger.exit()).as(trigger.err()).isZero();
        String jobId = trigger.out().strip();
        Run viaEnv = stroem(Map.of("STROEM_URL", url, "STROEM_TOKEN", key), "jobs");
        assertThat(viaEnv.exit()).as(viaEnv.err()).isZero();
        assertThat(viaEnv.out()).contains(jobId);
        Run afterSubcommand = stroem(Map.of(), "jobs", "--server", url, "--token", key);
        assertThat(afterSubcommand.exit()).as(afterSubcommand.err()).isZero();
        assertThat(afterSubcommand.out()).contains(jobId);
        Run original = run(StroemApiCommand.commandLine(Map.of()), "--server", url, "--token", key, "jobs");
        assertThat(original.exit()).as(original.err()).isZero();
        assertThat(original.out()).contains(jobId);
        // The key was seen.
        assertThat(admin.get("/api/auth/api-keys").json().findValuesAsText("last_used_at")).doesNotContainNull();

        Run without = stroem(Map.of("STROEM_URL", url), "jobs");
        assertThat(without.exit()).isNotZero();
        assertThat(without.err()).contains("STROEM_TOKEN");

        String prefix = key.substring(0, 8);
        assertThat(admin.send(admin.request("/api/auth/api-keys/" + prefix).DELETE().build()).status()).isEqualTo(200);
        Run revoked = stroem(Map.of(), "--server", url, "--token", key, "jobs");
        assertThat(revoked.exit()).isNotZero();
        assertThat(revoked.out()).isEmpty();
        assertThat(revoked.err()).contains("refused", "--token").doesNotContain("Exception");
        Run revokedEnv = stroem(Map.of("STROEM_URL", url, "STROEM_TOKEN", key), "trigger", "hello-world");
        assertThat(revokedEnv.exit()).isNotZero();
        assertThat(revokedEnv.err()).contains("refused");
        assertThat(admin.get("/api/jobs").json().path("total").asLong()).isEqualTo(1);
    }
}
