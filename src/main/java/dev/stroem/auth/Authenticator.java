package dev.stroem.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Turns a presented bearer credential into a {@link Principal}: an access token (JWT), an API key
 * ({@code strm_…}) or one of the static {@code auth.api_tokens}. With no {@code auth} configured
 * nothing is required and every request is {@link Principal#OPEN}. One authenticator serves REST
 * calls, WebSocket upgrades and downloads alike.
 */
public final class Authenticator {
    private final List<byte[]> staticTokens;
    private final AccessTokens accessTokens;
    private final ApiKeys apiKeys;

    /** {@code accessTokens} and {@code apiKeys} are null when users are off (static tokens at most). */
    public Authenticator(List<String> staticTokens, AccessTokens accessTokens, ApiKeys apiKeys) {
        this.staticTokens = staticTokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        this.accessTokens = accessTokens;
        this.apiKeys = apiKeys;
    }

    /** No authentication at all: every request is {@link Principal#OPEN}. */
    public static Authenticator open() {
        return new Authenticator(List.of(), null, null);
    }

    /** True when requests must present a credential. */
    public boolean required() {
        return !staticTokens.isEmpty() || accessTokens != null;
    }

    /** True when the original's users are on (login, API keys, ACL). */
    public boolean usersEnabled() {
        return accessTokens != null;
    }

    /** The principal for a request without credentials: {@link Principal#OPEN} when nothing is required. */
    public Optional<Principal> anonymous() {
        return required() ? Optional.empty() : Optional.of(Principal.OPEN);
    }

    /** The principal {@code credential} stands for; empty when it is not valid. */
    public Optional<Principal> authenticate(String credential) {
        if (!required()) {
            // Nothing is protected: a header a client sends anyway changes nothing.
            return Optional.of(Principal.OPEN);
        }
        if (credential == null || credential.isEmpty()) {
            return Optional.empty();
        }
        if (matchesStaticToken(credential)) {
            return Optional.of(Principal.STATIC_TOKEN);
        }
        if (accessTokens == null) {
            return Optional.empty();
        }
        if (credential.startsWith(ApiKeys.PREFIX)) {
            return apiKeys.authenticate(credential);
        }
        if (AccessTokens.looksLikeJwt(credential)) {
            return accessTokens.verify(credential);
        }
        return Optional.empty();
    }

    private boolean matchesStaticToken(String presented) {
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] token : staticTokens) {
            // No early exit: every configured token is compared every time, in constant time.
            ok |= MessageDigest.isEqual(token, bytes);
        }
        return ok;
    }
}
