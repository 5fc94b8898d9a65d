package dev.stroem.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits failed logins per account and per client address: after {@code accountLimit} failures
 * for one email (or {@code addressLimit} from one address) within the window, further attempts
 * are refused with 429 until the window has passed, without checking the password (so a
 * guesser learns nothing, and spends no server time on Argon2). A success clears the account's
 * count. Counts live in this process: with several replicas each counts on its own.
 */
public final class LoginThrottle {
    public static final Duration WINDOW = Duration.ofMinutes(5);
    public static final int ACCOUNT_LIMIT = 5;
    public static final int ADDRESS_LIMIT = 30;
    /** Beyond this many tracked keys, expired ones are dropped first; memory stays bounded. */
    static final int MAX_KEYS = 100_000;

    private final Map<String, Window> counts = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int accountLimit;
    private final int addressLimit;

    public LoginThrottle(Clock clock) {
        this(clock, ACCOUNT_LIMIT, ADDRESS_LIMIT);
    }

    LoginThrottle(Clock clock, int accountLimit, int addressLimit) {
        this.clock = clock;
        this.accountLimit = accountLimit;
        this.addressLimit = addressLimit;
    }

    private record Window(Instant start, int failures) {}

    /** Throws 429 when the account or the address has used up its failures. */
    public void check(String email, String address) {
        var now = clock.instant();
        long wait = Math.max(blockedFor(accountKey(email), accountLimit, now), blockedFor(addressKey(address), addressLimit, now));
        if (wait > 0) {
            throw AuthException.tooManyRequests("too many failed logins; try again in " + wait + " seconds", wait);
        }
    }

    public void failed(String email, String address) {
        var now = clock.instant();
        if (counts.size() >= MAX_KEYS) {
            counts.values().removeIf(w -> !w.start().plus(WINDOW).isAfter(now));
            if (counts.size() >= MAX_KEYS) {
                // Still full: a flood of distinct keys. Start over rather than grow without bound.
                counts.clear();
            }
        }
        counts.merge(accountKey(email), new Window(now, 1), (old, one) -> add(old, now));
        counts.merge(addressKey(address), new Window(now, 1), (old, one) -> add(old, now));
    }

    public void succeeded(String email) {
        counts.remove(accountKey(email));
    }

    private static Window add(Window old, Instant now) {
        return old.start().plus(WINDOW).isAfter(now) ? new Window(old.start(), old.failures() + 1) : new Window(now, 1);
    }

    private long blockedFor(String key, int limit, Instant now) {
        var w = counts.get(key);
        if (w == null || w.failures() < limit) {
            return 0;
        }
        var until = w.start().plus(WINDOW);
        return until.isAfter(now) ? Math.max(1, Duration.between(now, until).toSeconds()) : 0;
    }

    private static String accountKey(String email) {
        return "a:" + UserStore.normalizeEmail(email);
    }

    private static String addressKey(String address) {
        return "i:" + address;
    }
}
