package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The original's login flow end to end on a real server with users: {@code /api/config}, login,
 * a call with the bearer, refresh with rotation, reuse of an old refresh token revoking the
 * session, logout, and errors that do not tell whether an email exists.
 */
abstract class AuthFlowContract extends ServerContract {
    static final String ADMIN = "admin@stroem.local";
    static final String ADMIN_PASSWORD = "admin";

    /** The original's documented auth block, unchanged. */
    static final String AUTH_YAML = """
            auth:
              jwt_secret: "your-jwt-secret"
              refresh_secret: "your-refresh-secret"
              base_url: "https://stroem.company.com"
              providers:
                internal:
                  provider_type: internal
              initial_user:
                email: admin@stroem.local
                password: admin
            """;

    @Override
    TestServer.Config configure(TestServer.Config config) {
        return config.yaml(AUTH_YAML);
    }

    Map<String, String> login(String email, String password) {
        var answer = api.post("/api/auth/login", Map.of("email", email, "password", password));
        assertThat(answer.status()).as("%s", answer).isEqualTo(200);
        assertThat(answer.header("Cache-Control")).hasValue("no-store");
        return Map.of("access", answer.json().path("access_token").asText(),
                "refresh", answer.json().path("refresh_token").asText());
    }

    @Test
    void configIsPublicAndSaysThatLoginIsNeeded() {
        var config = api.get("/api/config");
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.json().path("auth_required").asBoolean()).isTrue();
        assertThat(config.json().path("has_internal_auth").asBoolean()).isTrue();
        assertThat(config.json().path("oidc_providers").isArray()).isTrue();
        assertThat(config.json().path("oidc_providers")).isEmpty();
        assertThat(config.json().path("acl_enabled").asBoolean()).isFalse();
        assertThat(config.json().path("version").asText()).isNotBlank();
    }

    @Test
    void loginCallRefreshLogoutAndTheOldRefreshTokenIsRefused() {
        assertError(api.get("/api/jobs"), 401, "bearer");

        var first = login(ADMIN, ADMIN_PASSWORD);
        var signedIn = api.withToken(first.get("access"));
        String jobId = signedIn.post("/api/workspaces/default/tasks/hello-world/execute", Map.of("input", Map.of()))
                .json().path("job_id").asText();
        assertThat(signedIn.get("/api/jobs").json().path("total").asLong()).isEqualTo(1);
        assertThat(signedIn.get("/api/jobs/" + jobId).status()).isEqualTo(200);
        var me = signedIn.get("/api/auth/me");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("email").asText()).isEqualTo(ADMIN);
        assertThat(me.json().path("is_admin").asBoolean()).isTrue();
        assertThat(me.json().path("user_id").asText()).isNotBlank();

        var refreshed = api.post("/api/auth/refresh", Map.of("refresh_token", first.get("refresh")));
        assertThat(refreshed.status()).as("%s", refreshed).isEqualTo(200);
        String secondRefresh = refreshed.json().path("refresh_token").asText();
        assertThat(secondRefresh).isNotEqualTo(first.get("refresh"));
        assertThat(api.withToken(refreshed.json().path("access_token").asText()).get("/api/jobs").status()).isEqualTo(200);

        var logout = api.post("/api/auth/logout", Map.of("refresh_token", secondRefresh));
        assertThat(logout.status()).isEqualTo(200);
        assertThat(logout.json().path("status").asText()).isEqualTo("ok");
        assertError(api.post("/api/auth/refresh", Map.of("refresh_token", secondRefresh)), 401, "refresh token");
        assertError(api.post("/api/auth/refresh", Map.of("refresh_token", first.get("refresh"))), 401, "refresh token");
    }

    @Test
    void reusingARotatedRefreshTokenRevokesTheWholeSession() {
        var first = login(ADMIN, ADMIN_PASSWORD);
        String second = api.post("/api/auth/refresh", Map.of("refresh_token", first.get("refresh")))
                .json().path("refresh_token").asText();
        // Someone replays the first token: the session is treated as stolen.
        assertError(api.post("/api/auth/refresh", Map.of("refresh_token", first.get("refresh"))), 401, "refresh token");
        assertError(api.post("/api/auth/refresh", Map.of("refresh_token", second)), 401, "refresh token");
        // Another session of the same user is not affected.
        var other = login(ADMIN, ADMIN_PASSWORD);
        assertThat(api.post("/api/auth/refresh", Map.of("refresh_token", other.get("refresh"))).status()).isEqualTo(200);
    }

    @Test
    void aFailedLoginDoesNotSayWhetherTheEmailExists() {
        var wrongPassword = api.post("/api/auth/login", Map.of("email", ADMIN, "password", "nope"));
        var unknownEmail = api.post("/api/auth/login", Map.of("email", "nobody@stroem.local", "password", "nope"));
        assertError(wrongPassword, 401, "invalid email or password");
        assertThat(unknownEmail.status()).isEqualTo(401);
        assertThat(unknownEmail.body()).isEqualTo(wrongPassword.body());
        // The email is matched whatever its case.
        assertThat(api.post("/api/auth/login", Map.of("email", "Admin@Stroem.LOCAL", "password", ADMIN_PASSWORD)).status())
                .isEqualTo(200);
        assertError(api.post("/api/auth/login", "{\"email\":\"" + ADMIN + "\"}"), 400, "password");
        assertError(api.post("/api/auth/login", "not json"), 400, "JSON");
    }

    @Test
    void repeatedFailedLoginsOfAnAccountAreRefusedWith429() {
        for (int i = 0; i < dev.stroem.auth.LoginThrottle.ACCOUNT_LIMIT; i++) {
            assertError(api.post("/api/auth/login", Map.of("email", ADMIN, "password", "guess-" + i)), 401, "invalid");
        }
        // Even the right password is not checked now: a guesser learns nothing more.
        var blocked = api.post("/api/auth/login", Map.of("email", ADMIN, "password", ADMIN_PASSWORD));
        assertError(blocked, 429, "too many failed logins");
        assertThat(blocked.header("Retry-After")).isPresent();
        assertThat(Long.parseLong(blocked.header("Retry-After").orElseThrow())).isPositive();
    }

    @Test
    void forgedOrMalformedBearerTokensAreRefused() {
        var real = login(ADMIN, ADMIN_PASSWORD).get("access");
        String[] parts = real.split("\\.");
        String unsigned = "eyJhbGciOiJub25lIn0." + parts[1] + ".";
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "xx." + parts[2];
        for (String bad : new String[] {unsigned, tampered, "strm_00000000000000000000000000000000", "garbage",
                TestServer.WORKER_TOKEN}) {
            assertError(api.withToken(bad).get("/api/jobs"), 401, "token");
        }
        // The worker API takes the worker token only, never a user's.
        assertThat(new HttpTestClient(server.url(), real).post("/worker/register", Map.of("name", "w")).status())
                .isEqualTo(401);
    }

    @Test
    void withoutAnAclEveryUserSeesTheWorkers() {
        var admin = api.withToken(login(ADMIN, ADMIN_PASSWORD).get("access"));
        assertThat(admin.post("/api/users", Map.of("email", "dev@stroem.local", "password", "pw")).status()).isEqualTo(200);
        var user = api.withToken(login("dev@stroem.local", "pw").get("access"));
        String workerId = worker.register("fleet-worker");
        assertThat(user.get("/api/workers").json().path("total").asLong()).isEqualTo(1);
        assertThat(user.get("/api/workers/" + workerId).status()).isEqualTo(200);
        assertThat(user.get("/api/workers/" + java.util.UUID.randomUUID()).status()).isEqualTo(404);
        assertError(api.get("/api/workers"), 401, "bearer");
    }

    static void assertError(HttpTestClient.Answer answer, int status, String containing) {
        assertThat(answer.status()).as("%s", answer).isEqualTo(status);
        assertThat(answer.error()).as("%s", answer).containsIgnoringCase(containing);
    }
}
