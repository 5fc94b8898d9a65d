package dev.stroem.auth;

import dev.stroem.jobs.store.Database;
import java.time.Instant;
import java.util.Optional;

/** The {@code oidc_logins} table: OIDC sign-ins in flight by state hash, each taken exactly once. */
public final class OidcLoginStore {
    /** A sign-in in flight as stored: hashes only. */
    public record Pending(String provider, String browserHash, String nonceHash, String verifierHash, Instant expiresAt) {}

    private final Database db;

    public OidcLoginStore(Database db) {
        this.db = db;
    }

    /** Stores a sign-in and drops expired ones (the table holds only sign-ins in flight). */
    public void insert(String stateHash, Pending pending, Instant now) {
        db.jdbi().useTransaction(h -> {
            h.createUpdate("DELETE FROM oidc_logins WHERE expires_at <= :now").bind("now", now.toEpochMilli()).execute();
            h.createUpdate("INSERT INTO oidc_logins (state_hash, provider, browser_hash, nonce_hash, verifier_hash, expires_at) "
                            + "VALUES (:state, :provider, :browser, :nonce, :verifier, :expires)")
                    .bind("state", stateHash)
                    .bind("provider", pending.provider())
                    .bind("browser", pending.browserHash())
                    .bind("nonce", pending.nonceHash())
                    .bind("verifier", pending.verifierHash())
                    .bind("expires", pending.expiresAt().toEpochMilli())
                    .execute();
        });
    }

    /**
     * Takes the sign-in: its row is deleted, so of two callbacks presenting one state exactly one
     * gets it (the delete's row count decides). Empty when unknown or taken before; the caller
     * checks expiry, provider and browser.
     */
    public Optional<Pending> take(String stateHash) {
        return db.jdbi().inTransaction(h -> {
            var row = h.createQuery("SELECT provider, browser_hash, nonce_hash, verifier_hash, expires_at FROM oidc_logins "
                            + "WHERE state_hash = :state")
                    .bind("state", stateHash)
                    .map((rs, ctx) -> new Pending(rs.getString("provider"), rs.getString("browser_hash"),
                            rs.getString("nonce_hash"), rs.getString("verifier_hash"),
                            Instant.ofEpochMilli(rs.getLong("expires_at"))))
                    .findOne();
            if (row.isEmpty()) {
                return Optional.<Pending>empty();
            }
            int deleted = h.createUpdate("DELETE FROM oidc_logins WHERE state_hash = :state").bind("state", stateHash).execute();
            return deleted == 1 ? row : Optional.<Pending>empty();
        });
    }
}
