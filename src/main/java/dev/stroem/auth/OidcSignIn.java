package dev.stroem.auth;

import java.net.URI;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single sign-on through the configured OIDC providers, from the redirect to the provider to a
 * session. A sign-in in flight is stored (hashed, in the database, so any replica accepts its
 * callback), is used up by its first callback, expires after ten minutes and belongs to the
 * browser that started it: that browser holds a random secret in an HttpOnly cookie, and the nonce
 * and PKCE verifier are derived from it, so neither a leaked state nor the database alone is
 * enough to finish someone else's sign-in. The user is found by their link to the provider, else
 * by email (and linked), else created with the provider's default groups.
 */
public final class OidcSignIn {
    private static final Logger log = LoggerFactory.getLogger(OidcSignIn.class);
    public static final Duration TTL = Duration.ofMinutes(10);
    static final String UNKNOWN_ATTEMPT = "this sign-in is unknown, was already used or has expired; please sign in again";
    static final String OTHER_BROWSER = "this sign-in was started in another browser; please sign in again";

    /** Where to send the browser, and the secret its cookie must hold until the callback. */
    public record Started(URI location, String browserSecret) {}

    /** What the provider's redirect back carries. */
    public record Callback(String code, String state, String error, String errorDescription) {}

    private final Map<String, OidcProvider> providers;
    private final OidcLoginStore store;
    private final UserStore users;
    private final Sessions sessions;
    private final SecretHash derive;
    private final SecretHash hash = SecretHash.unkeyed();
    private final SecureRandom random;
    private final Clock clock;

    /** {@code derivationSecret} keys the nonce and verifier derived from the browser's secret (a server secret). */
    public OidcSignIn(Map<String, OidcProvider> providers, OidcLoginStore store, UserStore users, Sessions sessions,
            String derivationSecret, SecureRandom random, Clock clock) {
        this.providers = Map.copyOf(providers);
        this.store = store;
        this.users = users;
        this.sessions = sessions;
        this.derive = SecretHash.keyed("oidc:" + derivationSecret);
        this.random = random;
        this.clock = clock;
    }

    public boolean knows(String providerId) {
        return providers.containsKey(providerId);
    }

    /** Starts a sign-in with {@code providerId}; NOT_FOUND for an unknown provider. */
    public Started start(String providerId) {
        var provider = provider(providerId);
        String state = randomValue();
        String browser = randomValue();
        String nonce = nonce(browser, state);
        String verifier = verifier(browser, state);
        // Ask the provider first: when it cannot be reached, nothing is stored.
        URI location = provider.authorizationUri(state, nonce, verifier);
        var now = clock.instant();
        store.insert(hash.of(state), new OidcLoginStore.Pending(providerId, hash.of(browser), hash.of(nonce),
                hash.of(verifier), now.plus(TTL)), now);
        return new Started(location, browser);
    }

    /**
     * Finishes a sign-in from the provider's redirect back, in the browser holding {@code browserSecret}
     * (null without the cookie): a new session, or an {@link AuthException} saying what failed.
     */
    public TokenPair finish(String providerId, Callback callback, String browserSecret) {
        var provider = provider(providerId);
        if (callback.state() == null || callback.state().isEmpty()) {
            throw AuthException.unauthenticated("the sign-in provider's answer has no state");
        }
        // Taken before anything else is checked: a state is good for one callback, whatever its outcome.
        var pending = store.take(hash.of(callback.state()));
        if (pending.isEmpty() || !pending.get().provider().equals(providerId)
                || !pending.get().expiresAt().isAfter(clock.instant())) {
            throw AuthException.unauthenticated(UNKNOWN_ATTEMPT);
        }
        if (browserSecret == null || !same(hash.of(browserSecret), pending.get().browserHash())) {
            throw AuthException.unauthenticated(OTHER_BROWSER);
        }
        if (callback.error() != null) {
            log.info("OIDC provider {} refused a sign-in: {} {}", providerId, callback.error(),
                    callback.errorDescription() == null ? "" : callback.errorDescription());
            throw AuthException.unauthenticated("the sign-in provider refused the sign-in (" + callback.error() + ")");
        }
        if (callback.code() == null || callback.code().isEmpty()) {
            throw AuthException.unauthenticated("the sign-in provider's answer has no code");
        }
        String nonce = nonce(browserSecret, callback.state());
        String verifier = verifier(browserSecret, callback.state());
        if (!same(hash.of(nonce), pending.get().nonceHash()) || !same(hash.of(verifier), pending.get().verifierHash())) {
            throw AuthException.unauthenticated(OTHER_BROWSER);
        }
        var identity = provider.exchange(callback.code(), verifier, nonce);
        if (Boolean.FALSE.equals(identity.emailVerified())) {
            throw AuthException.unauthenticated("the sign-in provider has not verified this account's email address");
        }
        var user = provision(provider, identity);
        log.info("user {} signed in through OIDC provider {}", user.email(), providerId);
        return sessions.start(user);
    }

    /** The linked user, else the user with the email (now linked), else a new user with the provider's default groups. */
    private User provision(OidcProvider provider, OidcProvider.Identity identity) {
        var linked = users.findByLink(provider.id(), identity.subject());
        if (linked.isPresent()) {
            return linked.get();
        }
        if (identity.email() == null || identity.email().isBlank() || !identity.email().contains("@")) {
            throw AuthException.unauthenticated("the sign-in provider did not say which email address this account has");
        }
        var now = clock.instant();
        Optional<User> existing = users.findByEmail(identity.email());
        if (existing.isEmpty()) {
            var fresh = new User(UUID.randomUUID().toString(), UserStore.normalizeEmail(identity.email()),
                    identity.name(), null, false, now);
            var created = users.createLinked(fresh, provider.defaultGroups(), provider.id(), identity.subject(), false);
            if (created.isPresent()) {
                log.info("user {} created on first sign-in through OIDC provider {} (groups {})", fresh.email(),
                        provider.id(), provider.defaultGroups());
                return created.get();
            }
            // Someone else created the email meanwhile (another replica, the same user twice): link to it.
            existing = users.findByEmail(identity.email());
        }
        var user = existing.orElseThrow(() -> AuthException.unauthenticated(UNKNOWN_ATTEMPT));
        users.link(provider.id(), identity.subject(), user.userId(), now);
        return user;
    }

    private OidcProvider provider(String providerId) {
        var provider = providers.get(providerId);
        if (provider == null) {
            throw new AuthException(AuthException.Kind.NOT_FOUND, "no OIDC provider \"" + providerId + "\"");
        }
        return provider;
    }

    private String nonce(String browser, String state) {
        return derive.of("nonce:" + browser + ":" + state);
    }

    /** 64 hex characters: a valid PKCE verifier (43-128 unreserved characters). */
    private String verifier(String browser, String state) {
        return derive.of("verifier:" + browser + ":" + state);
    }

    private String randomValue() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
