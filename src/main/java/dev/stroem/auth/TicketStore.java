package dev.stroem.auth;

import dev.stroem.jobs.store.Database;
import java.time.Instant;
import java.util.Optional;

/** The {@code auth_tickets} table: single-use tickets by hash, taken exactly once. */
public final class TicketStore {
    /** A redeemed ticket: {@code userId} is null for a static API token's ticket. */
    public record Taken(String kind, String userId) {}

    private final Database db;

    public TicketStore(Database db) {
        this.db = db;
    }

    /** Stores a ticket and drops expired ones (the table stays as small as the tickets in flight). */
    public void insert(String hash, String kind, String userId, Instant expires, Instant now) {
        db.jdbi().useTransaction(h -> {
            h.createUpdate("DELETE FROM auth_tickets WHERE expires_at <= :now").bind("now", now.toEpochMilli()).execute();
            h.createUpdate("INSERT INTO auth_tickets (ticket_hash, kind, user_id, expires_at) "
                            + "VALUES (:hash, :kind, :user, :expires)")
                    .bind("hash", hash)
                    .bind("kind", kind)
                    .bind("user", userId)
                    .bind("expires", expires.toEpochMilli())
                    .execute();
        });
    }

    /**
     * Takes the ticket: its row is deleted, so of two requests presenting it exactly one gets it
     * (the delete's row count decides). Empty when unknown, taken before, or expired.
     */
    public Optional<Taken> take(String hash, Instant now) {
        return db.jdbi().inTransaction(h -> {
            var row = h.createQuery("SELECT kind, user_id, expires_at FROM auth_tickets WHERE ticket_hash = :hash")
                    .bind("hash", hash)
                    .map((rs, ctx) -> new Object[] {rs.getString("kind"), rs.getString("user_id"), rs.getLong("expires_at")})
                    .findOne();
            if (row.isEmpty()) {
                return Optional.<Taken>empty();
            }
            int deleted = h.createUpdate("DELETE FROM auth_tickets WHERE ticket_hash = :hash").bind("hash", hash).execute();
            if (deleted != 1 || (long) row.get()[2] <= now.toEpochMilli()) {
                return Optional.<Taken>empty();
            }
            return Optional.of(new Taken((String) row.get()[0], (String) row.get()[1]));
        });
    }
}
