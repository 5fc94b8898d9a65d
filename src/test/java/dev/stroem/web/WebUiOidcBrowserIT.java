package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single sign-on in a real browser: the provider's button on the login page, the round trip through
 * a real OpenID provider on another site (mock-oauth2-server), and back signed in, with the session
 * in the HttpOnly cookie and no token in the address bar.
 */
class WebUiOidcBrowserIT {
    @TempDir
    static Path dir;

    private static MockOAuth2Server provider;
    private static TestServer server;
    private static Browser browser;

    @BeforeAll
    static void start() throws IOException {
        browser = Browser.start(Files.createDirectories(dir.resolve("downloads")));
        provider = new MockOAuth2Server();
        provider.start();
        OidcLoginContract.warmUp(provider);
        int port;
        try (var probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        // The provider sends the browser back to base_url, so the server's port is known up front.
        String yaml = OidcLoginContract.authYaml(provider.issuerUrl("default").toString())
                .replace(OidcLoginContract.BASE_URL, "http://127.0.0.1:" + port);
        server = TestServer.in(dir, "sqlite:" + dir.resolve("stroem.db")).listen("127.0.0.1:" + port).yaml(yaml).start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        if (provider != null) {
            provider.shutdown();
        }
    }

    @Test
    void theProvidersButtonSignsInAndBackOnTheUiWithoutATokenInTheUrl() {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", "ada-sub", "JWT", null,
                Map.of("email", "ada@example.com", "email_verified", true, "name", "Ada"), 3600));
        browser.open(server.url() + "/jobs");
        browser.until(() -> browser.find("oidc-mock").isDisplayed());
        assertThat(browser.find("oidc-mock").getText()).contains("Mock IdP");

        browser.find("oidc-mock").click();

        browser.until(() -> browser.find("logout").isDisplayed());
        assertThat((String) browser.js("return location.href")).startsWith(server.url()).doesNotContain("#")
                .doesNotContain("token").doesNotContain("code=");
        assertThat(browser.js("return document.cookie")).asString().doesNotContain("stroem_");
        var me = browser.jsAsync("""
                const done = arguments[arguments.length - 1];
                fetch('/api/auth/refresh', { method: 'POST', headers: { 'X-Stroem-Refresh': 'cookie' } })
                  .then((r) => r.json())
                  .then((t) => fetch('/api/auth/me', { headers: { Authorization: 'Bearer ' + t.access_token } }))
                  .then((r) => r.json()).then((m) => done(m.email), (e) => done(String(e)));
                """);
        assertThat(me).isEqualTo("ada@example.com");
    }
}
