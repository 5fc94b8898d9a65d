package dev.stroem.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in sessions: email/password login, refresh with rotation (an old refresh token presented
 * again revokes its whole family: whoever else holds a copy is signed out too), logout. A failed
 * login says the same thing whether or not the email exists, and takes as long.
 */
public final class Sessions {
    private static final Logger log = LoggerFactory.getLogger(Sessions.class);
    public static final Duration REFRESH_TTL = Duration.ofDays(30);
    static final String BAD_LOGIN = "invalid email or password";
    static final String BAD_REFRESH = "invalid or expired refresh token";

    private final UserStore users;
    private final RefreshTokenStore refreshTokens;
    private final AccessTokens accessTokens;
    private final PasswordHasher passwords;
    private final SecretHash refreshHash;
    private final Clock clock;

    public Sessions(UserStore users, RefreshTokenStore refreshTokens, AccessTokens accessTokens, PasswordHasher passwords,
            String refreshSecret, Clock clock) {
        this.users = users;
        this.refreshTokens = refreshTokens;
        this.accessTokens = accessTokens;
        this.passwords = passwords;
        this.refreshHash = SecretHash.keyed(refreshSecret);
        this.clock = clock;
    }

    /** Email and password login; a new session (refresh token family). */
    public TokenPair login(String email, String password) {
        var user = users.findByEmail(email);
        if (user.isEmpty() || user.get().passwordHash() == null) {
            passwords.verifyDecoy(password);
            throw AuthException.unauthenticated(BAD_LOGIN);
        }
        if (!passwords.verify(password, user.get().passwordHash())) {
            throw AuthException.unauthenticated(BAD_LOGIN);
        }
        return start(user.get());
    }

    /** A new session for a user who signed in some other way (OIDC). */
    public TokenPair start(User user) {
        String refresh = newRefreshToken();
        var now = clock.instant();
        refreshTokens.insert(refreshHash.of(refresh), UUID.randomUUID().toString(), user.userId(), now, now.plus(REFRESH_TTL));
        return new TokenPair(accessTokens.issue(user, users.groupsOf(user.userId())), refresh);
    }

    /** Exchanges a refresh token for a new pair; the presented one can never be used again. */
    public TokenPair refresh(String refreshToken) {
        String next = newRefreshToken();
        var now = clock.instant();
        var rotation = refreshTokens.rotate(refreshHash.of(refreshToken), refreshHash.of(next), now, now.plus(REFRESH_TTL));
        if (rotation instanceof RefreshTokenStore.Rotation.Rotated rotated) {
            var user = users.find(rotated.userId()).orElseThrow(() -> AuthException.unauthenticated(BAD_REFRESH));
            return new TokenPair(accessTokens.issue(user, users.groupsOf(user.userId())), next);
        }
        if (rotation instanceof RefreshTokenStore.Rotation.Reused reused) {
            log.warn("a used refresh token of user {} was presented again: its session is revoked", reused.userId());
        }
        throw AuthException.unauthenticated(BAD_REFRESH);
    }

    /** Ends the session the refresh token belongs to; unknown tokens change nothing. */
    public void logout(String refreshToken) {
        refreshTokens.revokeFamilyOf(refreshHash.of(refreshToken), clock.instant());
    }

    private static String newRefreshToken() {
        // 122 random bits from SecureRandom, in the original's UUID shape.
        return UUID.randomUUID().toString();
    }
}
