package dev.stroem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OIDC sign-in against a real OpenID provider running in this JVM (mock-oauth2-server): the browser
 * is played by hand (redirects read, cookies carried), so each check of the callback can be
 * attacked on its own: a forged state, a state from another browser, a replayed callback, a wrong
 * nonce, an expired ID token, a token for another client, a refusal by the provider.
 */
abstract class OidcLoginContract extends ServerContract {
    static final String BASE_URL = "https://stroem.test";
    static final String CLIENT_ID = "stroem-client";

    static MockOAuth2Server provider;
    static HttpClient http;

    @BeforeAll
    static void startProvider() {
        provider = new MockOAuth2Server(new SetTokenAnswer());
        provider.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        warmUp(provider);
    }

    /**
     * The mock provider's first answers load and compile its whole stack; on a busy machine that took longer than
     * the server's 10 s discovery timeout. Asking once here keeps the mock's cold start out of what the tests measure.
     */
    static void warmUp(MockOAuth2Server mock) {
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (var url : List.of(mock.wellKnownUrl("default"), mock.jwksUrl("default"))) {
            try {
                var answer = client.send(HttpRequest.newBuilder(url.uri()).timeout(Duration.ofMinutes(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(answer.statusCode()).as("mock provider %s", url).isEqualTo(200);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @AfterAll
    static void stopProvider() {
        if (provider != null) {
            provider.shutdown();
        }
    }

    static String authYaml(String issuerUrl) {
        return """
                auth:
                  jwt_secret: "your-jwt-secret"
                  refresh_secret: "your-refresh-secret"
                  base_url: "%s"
                  providers:
                    internal:
                      provider_type: internal
                    mock:
                      provider_type: oidc
                      display_name: "Mock IdP"
                      issuer_url: "%s"
                      client_id: "%s"
                      client_secret: "the-client-secret"
                      default_groups: [employees, viewers]
                  initial_user:
                    email: admin@stroem.local
                    password: admin
                """.formatted(BASE_URL, issuerUrl, CLIENT_ID);
    }

    @Override
    TestServer.Config configure(TestServer.Config config) {
        return config.yaml(authYaml(provider.issuerUrl("default").toString()));
    }

    /** A browser's sign-in in flight: its cookie and where the provider was asked to send it back. */
    record Attempt(String cookie, URI authorize) {}

    /** What our callback answered: where it sends the browser and the session cookie it set, if any. */
    record Landing(int status, String location, String refreshCookie, List<String> setCookies) {
        String error() {
            int at = location.indexOf("#error=");
            return at < 0 ? null : URLDecoder.decode(location.substring(at + 7), StandardCharsets.UTF_8);
        }
    }

    Attempt start(String providerId) {
        var answer = api.get("/api/auth/oidc/" + providerId);
        assertThat(answer.status()).as("%s", answer).isEqualTo(302);
        String setCookie = answer.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("stroem_oidc="))
                .findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/api/auth/oidc");
        String cookie = setCookie.substring("stroem_oidc=".length(), setCookie.indexOf(';'));
        return new Attempt(cookie, URI.create(answer.header("Location").orElseThrow()));
    }

    /** The provider signs the user in (it is not interactive) and answers with our callback URL: path and query. */
    String authorize(URI authorize) throws Exception {
        var response = http.send(HttpRequest.newBuilder(authorize).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(BASE_URL + "/api/auth/oidc/");
        return location.substring(BASE_URL.length());
    }

    Landing callback(String pathAndQuery, String cookie) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(server.url() + pathAndQuery)).GET();
        if (cookie != null) {
            request.header("Cookie", "stroem_oidc=" + cookie);
        }
        var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        var cookies = response.headers().allValues("Set-Cookie");
        String refresh = cookies.stream().filter(c -> c.startsWith("stroem_refresh=")).findFirst()
                .map(c -> c.substring("stroem_refresh=".length(), c.indexOf(';'))).filter(v -> !v.isEmpty()).orElse(null);
        return new Landing(response.statusCode(), response.headers().firstValue("Location").orElse(""), refresh, cookies);
    }

    /** A whole sign-in in one browser, as the provider's user {@code subject} with {@code claims}. */
    Landing signIn(String subject, Map<String, Object> claims) throws Exception {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, "JWT", null, claims, 3600));
        var attempt = start("mock");
        return callback(authorize(attempt.authorize()), attempt.cookie());
    }

    /** The access token the session cookie brings, as the UI gets it. */
    HttpTestClient session(Landing landing) {
        assertThat(landing.error()).isNull();
        assertThat(landing.location()).isEqualTo("/login/callback");
        assertThat(landing.refreshCookie()).isNotNull();
        var refresh = api.send(api.request("/api/auth/refresh").header("X-Stroem-Refresh", "cookie")
                .header("Cookie", "stroem_refresh=" + landing.refreshCookie())
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(refresh.status()).as("%s", refresh).isEqualTo(200);
        return api.withToken(refresh.json().path("access_token").asText());
    }

    static Map<String, Object> claims(String email, Object emailVerified) {
        var claims = new LinkedHashMap<String, Object>();
        claims.put("email", email);
        if (emailVerified != null) {
            claims.put("email_verified", emailVerified);
        }
        claims.put("name", "Ada Lovelace");
        return claims;
    }

    static void assertRefused(Landing landing, String mention) {
        assertThat(landing.status()).isEqualTo(302);
        assertThat(landing.location()).startsWith("/login/callback#error=");
        assertThat(landing.error()).containsIgnoringCase(mention);
        assertThat(landing.refreshCookie()).isNull();
    }

    long users() {
        var admin = api.post("/api/auth/login", Map.of("email", "admin@stroem.local", "password", "admin"));
        return api.withToken(admin.json().path("access_token").asText()).get("/api/users").json().path("total").asLong();
    }

    @Test
    void fullSignInCreatesTheUserWithTheProvidersGroupsAndTheNextSignInFindsThemByTheirLink() throws Exception {
        var config = api.get("/api/config").json();
        assertThat(config.path("oidc_providers").toString()).contains("\"id\":\"mock\"").contains("\"display_name\":\"Mock IdP\"");

        var attempt = start("mock");
        assertThat(attempt.authorize().toString()).startsWith(provider.authorizationEndpointUrl("default").toString())
                .contains("code_challenge_method=S256").contains("nonce=").contains("state=")
                .contains("client_id=" + CLIENT_ID).contains("scope=openid");
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", "ada-sub", "JWT", null,
                claims("Ada@Example.com", true), 3600));
        var landing = callback(authorize(attempt.authorize()), attempt.cookie());
        // The session travels only in the HttpOnly cookie; nothing in the URL.
        assertThat(landing.location()).isEqualTo("/login/callback");
        assertThat(landing.setCookies()).anySatisfy(c -> assertThat(c).startsWith("stroem_refresh=").contains("HttpOnly"));
        var me = session(landing).get("/api/auth/me").json();
        assertThat(me.path("email").asText()).isEqualTo("ada@example.com");
        assertThat(me.path("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(me.path("is_admin").asBoolean()).isFalse();
        assertThat(me.path("groups").toString()).isEqualTo("[\"employees\",\"viewers\"]");

        // Next time the provider's subject finds the user, whatever email it reports now.
        var again = signIn("ada-sub", claims("ada.l@example.com", true));
        assertThat(session(again).get("/api/auth/me").json().path("user_id").asText()).isEqualTo(me.path("user_id").asText());
        assertThat(users()).isEqualTo(2);
    }

    @Test
    void aUserWithTheSameEmailIsLinkedAndKeepsTheirGroups() throws Exception {
        var password = api.post("/api/auth/login", Map.of("email", "admin@stroem.local", "password", "admin"));
        var byPassword = api.withToken(password.json().path("access_token").asText()).get("/api/auth/me").json();

        var me = session(signIn("admin-sub", claims("admin@stroem.local", null))).get("/api/auth/me").json();
        assertThat(me.path("user_id").asText()).isEqualTo(byPassword.path("user_id").asText());
        assertThat(me.path("is_admin").asBoolean()).isTrue();
        assertThat(me.path("groups")).isEmpty();
        var user = api.withToken(password.json().path("access_token").asText()).get("/api/users/" + me.path("user_id").asText());
        assertThat(user.json().path("auth_methods").toString()).isEqualTo("[\"internal\",\"mock\"]");
    }

    @Test
    void aForgedStateIsRefused() throws Exception {
        var attempt = start("mock");
        String back = authorize(attempt.authorize());
        String forged = back.replaceAll("state=[^&]+", "state=forged-by-someone");
        assertRefused(callback(forged, attempt.cookie()), "unknown");
        assertRefused(callback(back.replaceAll("&?state=[^&]+", ""), attempt.cookie()), "no state");
        assertThat(users()).isEqualTo(1);
    }

    @Test
    void aStateFromAnotherBrowserIsRefused() throws Exception {
        var victim = start("mock");
        var attacker = start("mock");
        String back = authorize(victim.authorize());
        assertRefused(callback(back, attacker.cookie()), "another browser");
        assertRefused(callback(back, null), "unknown");
        assertThat(users()).isEqualTo(1);
    }

    @Test
    void aReplayedCallbackIsRefused() throws Exception {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", "ada-sub", "JWT", null,
                claims("ada@example.com", true), 3600));
        var attempt = start("mock");
        String back = authorize(attempt.authorize());
        session(callback(back, attempt.cookie()));
        assertRefused(callback(back, attempt.cookie()), "already used");
    }

    @Test
    void anIdTokenWithAnotherNonceIsRefused() throws Exception {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", "ada-sub", "JWT", null,
                claims("ada@example.com", true), 3600));
        var attempt = start("mock");
        // Someone swaps the nonce on the way to the provider: its ID token then carries theirs.
        var tampered = URI.create(attempt.authorize().toString().replaceAll("nonce=[^&]+", "nonce=someone-elses"));
        assertRefused(callback(authorize(tampered), attempt.cookie()), "ID token");
        assertThat(users()).isEqualTo(1);
    }

    @Test
    void anExpiredIdTokenIsRefused() throws Exception {
        var attempt = start("mock");
        String back = authorize(attempt.authorize());
        // The provider answers the code exchange with an ID token signed with its key, for this client and
        // with the right nonce, that expired an hour ago. (Served by hand: the provider's own token
        // endpoint would also make expires_in negative, and that answer is refused before its ID token.)
        var claims = claims("ada@example.com", true);
        claims.put("nonce", attempt.authorize().getRawQuery().replaceAll(".*nonce=([^&]+).*", "$1"));
        claims.put("iat", java.time.Instant.now().minusSeconds(7200).getEpochSecond());
        claims.put("exp", java.time.Instant.now().minusSeconds(3600).getEpochSecond());
        var idToken = provider.issueToken("default", CLIENT_ID,
                new DefaultOAuth2TokenCallback("default", "ada-sub", "JWT", List.of(CLIENT_ID), claims, 3600));
        NEXT_TOKEN_ANSWER.set("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                + "\"id_token\":\"" + idToken.serialize() + "\"}");
        assertRefused(callback(back, attempt.cookie()), "ID token");
        assertThat(NEXT_TOKEN_ANSWER.get()).as("the token endpoint was asked").isNull();
        assertThat(users()).isEqualTo(1);
    }

    /** When set, the provider's next token answer (taken by the first token request). */
    static final AtomicReference<String> NEXT_TOKEN_ANSWER = new AtomicReference<>();

    /** A route of the provider, ahead of its own: the token endpoint's answer set by a test. */
    static final class SetTokenAnswer implements Route {
        @Override
        public boolean match(OAuth2HttpRequest request) {
            return "POST".equals(request.getMethod()) && request.getUrl().encodedPath().endsWith("/token")
                    && NEXT_TOKEN_ANSWER.get() != null;
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), 200,
                    NEXT_TOKEN_ANSWER.getAndSet(null), null);
        }
    }

    @Test
    void anIdTokenForAnotherClientIsRefused() throws Exception {
        var claims = claims("ada@example.com", true);
        claims.put("aud", List.of("another-client"));
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", "ada-sub", "JWT", List.of("another-client"),
                claims, 3600));
        var attempt = start("mock");
        assertRefused(callback(authorize(attempt.authorize()), attempt.cookie()), "ID token");
        assertThat(users()).isEqualTo(1);
    }

    @Test
    void anUnverifiedEmailIsRefused() throws Exception {
        assertRefused(signIn("ada-sub", claims("admin@stroem.local", false)), "verified");
        assertThat(users()).isEqualTo(1);
    }

    @Test
    void theProvidersRefusalIsShownAndNothingHappens() throws Exception {
        var attempt = start("mock");
        String state = attempt.authorize().getRawQuery().replaceAll(".*state=([^&]+).*", "$1");
        var landing = callback("/api/auth/oidc/mock/callback?error=access_denied&error_description=no&state=" + state,
                attempt.cookie());
        assertRefused(landing, "access_denied");
        assertThat(users()).isEqualTo(1);
    }

    @Test
    void anUnknownProviderIs404() throws Exception {
        assertError(api.get("/api/auth/oidc/nope"), 404, "nope");
        assertError(api.get("/api/auth/oidc/nope/callback?code=x&state=y"), 404, "nope");
        assertError(api.get("/api/auth/oidc/internal"), 404);
    }
}
