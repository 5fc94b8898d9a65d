package dev.stroem.auth;

import dev.stroem.jobs.store.Database;
import java.time.Instant;
import java.util.Optional;

/** The {@code refresh_tokens} table: stored by hash, grouped in families, rotated once. */
public final class RefreshTokenStore {

    /** What presenting a refresh token did. */
    public sealed interface Rotation {
        /** The token was current: it is now used, and {@code userId}'s new token is in the family. */
        record Rotated(String userId) implements Rotation {}
        /** Unknown or expired: nothing changed. */
        record Invalid() implements Rotation {}
        /** The token had been used or revoked before: its whole family is revoked now. */
        record Reused(String userId) implements Rotation {}
    }

    private final Database db;

    public RefreshTokenStore(Database db) {
        this.db = db;
    }

    /** Stores the first token of a new family (a login). */
    public void insert(String hash, String familyId, String userId, Instant now, Instant expires) {
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, "
                        + "expires_at) VALUES (:hash, :family, :user, :now, :expires)")
                .bind("hash", hash)
                .bind("family", familyId)
                .bind("user", userId)
                .bind("now", now.toEpochMilli())
                .bind("expires", expires.toEpochMilli())
                .execute());
    }

    /**
     * Marks {@code hash} used and stores {@code nextHash} in its family, in one transaction; a token
     * already used (or revoked) revokes its family instead. Two concurrent presentations of one
     * token: exactly one rotates (the conditional update), the other is a reuse.
     */
    public Rotation rotate(String hash, String nextHash, Instant now, Instant expires) {
        return db.jdbi().inTransaction(h -> {
            var row = h.createQuery("SELECT family_id, user_id, expires_at, used_at, revoked_at FROM refresh_tokens "
                            + "WHERE token_hash = :hash")
                    .bind("hash", hash)
                    .map((rs, ctx) -> new Row(rs.getString("family_id"), rs.getString("user_id"), rs.getLong("expires_at"),
                            rs.getObject("used_at") != null, rs.getObject("revoked_at") != null))
                    .findOne();
            if (row.isEmpty()) {
                return new Rotation.Invalid();
            }
            var token = row.get();
            if (token.used() || token.revoked()) {
                revokeFamily(h, token.familyId(), now);
                return new Rotation.Reused(token.userId());
            }
            if (token.expiresAt() <= now.toEpochMilli()) {
                return new Rotation.Invalid();
            }
            int marked = h.createUpdate("UPDATE refresh_tokens SET used_at = :now WHERE token_hash = :hash "
                            + "AND used_at IS NULL AND revoked_at IS NULL")
                    .bind("now", now.toEpochMilli())
                    .bind("hash", hash)
                    .execute();
            if (marked != 1) {
                revokeFamily(h, token.familyId(), now);
                return new Rotation.Reused(token.userId());
            }
            h.createUpdate("INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at) "
                            + "VALUES (:hash, :family, :user, :now, :expires)")
                    .bind("hash", nextHash)
                    .bind("family", token.familyId())
                    .bind("user", token.userId())
                    .bind("now", now.toEpochMilli())
                    .bind("expires", expires.toEpochMilli())
                    .execute();
            return new Rotation.Rotated(token.userId());
        });
    }

    /** Revokes the family {@code hash} belongs to (logout); the user it belonged to, if the token was known. */
    public Optional<String> revokeFamilyOf(String hash, Instant now) {
        return db.jdbi().inTransaction(h -> {
            var row = h.createQuery("SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = :hash")
                    .bind("hash", hash)
                    .map((rs, ctx) -> new String[] {rs.getString("family_id"), rs.getString("user_id")})
                    .findOne();
            row.ifPresent(r -> revokeFamily(h, r[0], now));
            return row.map(r -> r[1]);
        });
    }

    /** Deletes tokens expired before {@code cutoff}; how many. */
    public int deleteExpiredBefore(Instant cutoff) {
        return db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM refresh_tokens WHERE expires_at < :cutoff")
                .bind("cutoff", cutoff.toEpochMilli())
                .execute());
    }

    private static void revokeFamily(org.jdbi.v3.core.Handle h, String familyId, Instant now) {
        h.createUpdate("UPDATE refresh_tokens SET revoked_at = :now WHERE family_id = :family AND revoked_at IS NULL")
                .bind("now", now.toEpochMilli())
                .bind("family", familyId)
                .execute();
    }

    private record Row(String familyId, String userId, long expiresAt, boolean used, boolean revoked) {}
}
