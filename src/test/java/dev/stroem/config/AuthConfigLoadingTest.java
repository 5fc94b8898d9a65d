package dev.stroem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The original's {@code auth} and {@code acl} sections load unchanged; their mistakes are one sentence each. */
class AuthConfigLoadingTest {
    private final ConfigLoader loader = new ConfigLoader();

    /** The original's configuration reference, auth and ACL uncommented, word for word. */
    static final String ORIGINAL = """
            listen: "0.0.0.0:8080"
            db:
              url: "postgres://stroem:stroem@localhost:5432/stroem"
            worker_token: "change-in-production"
            auth:
              jwt_secret: "your-jwt-secret"
              refresh_secret: "your-refresh-secret"
              base_url: "https://stroem.company.com"  # Required for OIDC
              providers:
                internal:
                  provider_type: internal
                google:
                  provider_type: oidc
                  display_name: "Google"
                  issuer_url: "https://accounts.google.com"
                  client_id: "your-client-id.apps.googleusercontent.com"
                  client_secret: "your-client-secret"
                  default_groups: [employees, viewers]
              initial_user:
                email: admin@stroem.local
                password: admin
            acl:
              default: deny
              rules:
                - workspace: "*"
                  tasks: ["*"]
                  action: run
                  groups: [devops]
                - workspace: "production"
                  tasks: ["deploy/*"]
                  action: view
                  groups: [engineering]
                  users: [contractor@ext.com]
            """;

    private ServerConfig server(String yaml, Map<String, String> env) {
        return loader.parseServer(yaml, "server-config.yaml", env);
    }

    private void refused(String yaml, String message) {
        assertThatThrownBy(() -> server(yaml, Map.of())).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void theOriginalsAuthAndAclSectionsLoadUnchanged() {
        var config = server(ORIGINAL, Map.of());
        var auth = config.auth();
        assertThat(auth.usersEnabled()).isTrue();
        assertThat(auth.jwtSecret()).isEqualTo("your-jwt-secret");
        assertThat(auth.providers()).containsOnlyKeys("internal", "google");
        assertThat(auth.providers().get("google").defaultGroups()).containsExactly("employees", "viewers");
        assertThat(auth.initialUser().email()).isEqualTo("admin@stroem.local");
        assertThat(config.acl().defaultActionOrDeny()).isEqualTo("deny");
        assertThat(config.acl().rules()).hasSize(2);
        assertThat(config.acl().rules().get(1).users()).containsExactly("contractor@ext.com");
        // Secrets never show up when the config is printed.
        assertThat(config.toString()).doesNotContain("your-jwt-secret", "your-refresh-secret", "your-client-secret")
                .doesNotContain("password=admin");
    }

    @Test
    void secretsComeFromTheEnvironmentAsTheOriginalsHelmChartSetsThem() {
        var config = server(ORIGINAL, Map.of("STROEM__AUTH__JWT_SECRET", "real-jwt-secret",
                "STROEM__AUTH__INITIAL_USER__PASSWORD", "real-admin-password"));
        assertThat(config.auth().jwtSecret()).isEqualTo("real-jwt-secret");
        assertThat(config.auth().initialUser().password()).isEqualTo("real-admin-password");
    }

    @Test
    void apiTokensStayOurSimpleOptionBesideUsers() {
        var config = server("worker_token: t\nauth:\n  api_tokens: [a]\n", Map.of());
        assertThat(config.auth().usersEnabled()).isFalse();
        assertThat(config.auth().tokensRequired()).isTrue();
        assertThat(config.acl()).isNull();
    }

    @Test
    void mistakesAreOneSentenceNamingTheField() {
        String base = "worker_token: t\nauth:\n  jwt_secret: j\n  refresh_secret: r\n";
        refused(base, "auth.providers: needs at least one provider, e.g. internal: {provider_type: internal}");
        refused("worker_token: t\nauth:\n  jwt_secret: j\n  providers: {internal: {provider_type: internal}}\n",
                "auth.refresh_secret: required");
        refused(base + "  providers: {x: {provider_type: saml}}\n",
                "auth.providers.x.provider_type: unknown provider type \"saml\" (expected \"internal\" or \"oidc\")");
        refused(base + "  providers: {g: {provider_type: oidc, issuer_url: \"https://i\", client_id: c, client_secret: s}}\n",
                "auth.base_url: required with an oidc provider (it builds the redirect URI)");
        refused(base + "  providers: {internal: {provider_type: internal}}\n  initial_user: {email: admin}\n",
                "auth.initial_user.email: expected an email address, got \"admin\"");
        refused("worker_token: t\nacl:\n  default: deny\n",
                "acl: needs users: set auth.jwt_secret, auth.refresh_secret and auth.providers");
        String users = base + "  providers: {internal: {provider_type: internal}}\n";
        refused(users + "acl:\n  default: maybe\n", "acl.default: expected \"run\", \"view\" or \"deny\", got \"maybe\"");
        refused(users + "acl:\n  rules:\n    - {workspace: \"*\", tasks: [\"*\"], action: run}\n",
                "acl.rules[0]: names no groups and no users, so it matches nobody");
        refused(users + "acl:\n  rules:\n    - {workspace: \"*\", tasks: [\"*\"], action: run, groups: [\"a b\"]}\n",
                "acl.rules[0].groups[0]: a group name is 1-64 letters, digits, \"_\" or \"-\", got \"a b\"");
        refused(users + "acl:\n  rules:\n    - {workspace: \"*\", action: run, groups: [g]}\n",
                "acl.rules[0].tasks: needs at least one task pattern, e.g. [\"*\"]");
        refused(users + "  unknown_key: 1\n", "auth.unknown_key: unknown field");
    }
}
