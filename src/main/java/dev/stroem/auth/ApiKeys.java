package dev.stroem.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * API keys: {@code strm_} and 32 random hex characters, shown once at creation, stored as SHA-256.
 * A key acts as its owner, with the owner's admin flag and groups as they are now (read on every
 * use, so a change takes effect at once).
 */
public final class ApiKeys {
    public static final String PREFIX = "strm_";
    static final int PREFIX_LENGTH = 8;
    static final int MAX_NAME_LENGTH = 200;
    static final int MAX_EXPIRY_DAYS = 3650;

    private final ApiKeyStore keys;
    private final UserStore users;
    private final SecureRandom random;
    private final Clock clock;
    private final SecretHash hash = SecretHash.unkeyed();

    public ApiKeys(ApiKeyStore keys, UserStore users, SecureRandom random, Clock clock) {
        this.keys = keys;
        this.users = users;
        this.random = random;
        this.clock = clock;
    }

    /** A new key as its creation answer shows it (the raw key, once). */
    public record Created(String key, String name, String prefix, Instant expiresAt) {}

    public Created create(Principal owner, String name, Integer expiresInDays) {
        if (owner.kind() != Principal.Kind.ACCESS_TOKEN) {
            throw AuthException.forbidden("API keys are created by a signed-in user (an access token), not with an API key or token");
        }
        if (name == null || name.isBlank()) {
            throw new AuthException(AuthException.Kind.BAD_REQUEST, "name: must not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new AuthException(AuthException.Kind.BAD_REQUEST, "name: at most " + MAX_NAME_LENGTH + " characters");
        }
        if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > MAX_EXPIRY_DAYS)) {
            throw new AuthException(AuthException.Kind.BAD_REQUEST, "expires_in_days: must be between 1 and "
                    + MAX_EXPIRY_DAYS + ", got " + expiresInDays);
        }
        var now = clock.instant();
        Instant expires = expiresInDays == null ? null : now.plus(Duration.ofDays(expiresInDays));
        while (true) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            String raw = PREFIX + HexFormat.of().formatHex(bytes);
            var key = new ApiKey(raw.substring(0, PREFIX_LENGTH), owner.userId(), name.trim(), now, expires, null);
            // Prefixes are short (what the original shows and deletes by): draw again on the rare clash.
            if (keys.insert(hash.of(raw), key)) {
                return new Created(raw, key.name(), key.prefix(), expires);
            }
        }
    }

    public List<ApiKey> list(Principal owner) {
        return keys.listFor(requireUser(owner));
    }

    public void delete(Principal owner, String prefix) {
        if (!keys.delete(requireUser(owner), prefix)) {
            throw new AuthException(AuthException.Kind.NOT_FOUND, "no API key with prefix \"" + prefix + "\"");
        }
    }

    /** The owner of a valid, unexpired key; empty otherwise. */
    public Optional<Principal> authenticate(String raw) {
        if (!raw.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String h = hash.of(raw);
        var key = keys.findByHash(h);
        var now = clock.instant();
        if (key.isEmpty() || (key.get().expiresAt() != null && !key.get().expiresAt().isAfter(now))) {
            return Optional.empty();
        }
        var user = users.find(key.get().userId());
        if (user.isEmpty()) {
            return Optional.empty();
        }
        keys.touch(h, now);
        var u = user.get();
        return Optional.of(new Principal(u.userId(), u.email(), u.name(), u.admin(), Set.copyOf(users.groupsOf(u.userId())),
                Principal.Kind.API_KEY));
    }

    private static String requireUser(Principal owner) {
        if (!owner.isUser()) {
            throw AuthException.forbidden("API keys belong to users; this request is not made by a user");
        }
        return owner.userId();
    }
}
