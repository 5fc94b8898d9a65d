package dev.stroem.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Single-use tickets valid for 30 seconds: a signed-in browser asks for one
 * ({@code POST /api/auth/ticket}) right before opening a live log WebSocket or following a
 * download link, and puts it in that URL ({@code ?ticket=}). Whoever finds it in a log later
 * finds it used up. A ticket stands for the user as they are when it is redeemed.
 */
public final class Tickets {
    public static final Duration TTL = Duration.ofSeconds(30);
    private static final String USER = "user";
    private static final String API_TOKEN = "api_token";

    private final TicketStore store;
    private final UserStore users;
    private final SecureRandom random;
    private final Clock clock;
    private final SecretHash hash = SecretHash.unkeyed();

    /** {@code users} is null when only static tokens are configured. */
    public Tickets(TicketStore store, UserStore users, SecureRandom random, Clock clock) {
        this.store = store;
        this.users = users;
        this.random = random;
        this.clock = clock;
    }

    /** A ticket as the API answers it. */
    public record Issued(String ticket, Instant expiresAt) {}

    public Issued issue(Principal who) {
        String kind;
        if (who.isUser()) {
            kind = USER;
        } else if (who.kind() == Principal.Kind.API_TOKEN) {
            kind = API_TOKEN;
        } else {
            throw AuthException.forbidden("this server needs no credentials, so there is no ticket to give");
        }
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String ticket = HexFormat.of().formatHex(bytes);
        var now = clock.instant();
        var expires = now.plus(TTL);
        store.insert(hash.of(ticket), kind, who.userId(), expires, now);
        return new Issued(ticket, expires);
    }

    /** The principal the ticket was issued to, once; empty when unknown, used or expired. */
    public Optional<Principal> redeem(String ticket) {
        var taken = store.take(hash.of(ticket), clock.instant());
        if (taken.isEmpty()) {
            return Optional.empty();
        }
        if (API_TOKEN.equals(taken.get().kind())) {
            return Optional.of(Principal.STATIC_TOKEN);
        }
        if (users == null || taken.get().userId() == null) {
            return Optional.empty();
        }
        return users.find(taken.get().userId()).map(u -> new Principal(u.userId(), u.email(), u.name(), u.admin(),
                Set.copyOf(users.groupsOf(u.userId())), Principal.Kind.TICKET));
    }
}
