package dev.stroem.auth;

import dev.stroem.jobs.store.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** The {@code api_keys} table: keys stored as SHA-256 of the raw key, named by their prefix. */
public final class ApiKeyStore {
    /** {@code last_used_at} is written at most this often per key: a busy CI key does not write on every call. */
    static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);
    private static final String COLUMNS = "prefix, user_id, name, created_at, expires_at, last_used_at";
    private static final RowMapper<ApiKey> KEY = (rs, ctx) -> new ApiKey(rs.getString("prefix"), rs.getString("user_id"),
            rs.getString("name"), Instant.ofEpochMilli(rs.getLong("created_at")), instant(rs.getObject("expires_at")),
            instant(rs.getObject("last_used_at")));

    private final Database db;

    public ApiKeyStore(Database db) {
        this.db = db;
    }

    /** Stores a key; false when the owner already has a key with this prefix (the caller draws another). */
    public boolean insert(String hash, ApiKey key) {
        return db.jdbi().withHandle(h -> h.createUpdate("INSERT INTO api_keys (key_hash, " + COLUMNS + ") VALUES "
                        + "(:hash, :prefix, :user, :name, :created, :expires, NULL) ON CONFLICT DO NOTHING")
                .bind("hash", hash)
                .bind("prefix", key.prefix())
                .bind("user", key.userId())
                .bind("name", key.name())
                .bind("created", key.createdAt().toEpochMilli())
                .bind("expires", key.expiresAt() == null ? null : key.expiresAt().toEpochMilli())
                .execute() == 1);
    }

    public Optional<ApiKey> findByHash(String hash) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = :hash")
                .bind("hash", hash)
                .map(KEY)
                .findOne());
    }

    /** Records a use, unless one was recorded within {@link #LAST_USED_GRANULARITY}. */
    public void touch(String hash, Instant now) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE api_keys SET last_used_at = :now WHERE key_hash = :hash "
                        + "AND (last_used_at IS NULL OR last_used_at < :stale)")
                .bind("now", now.toEpochMilli())
                .bind("stale", now.minus(LAST_USED_GRANULARITY).toEpochMilli())
                .bind("hash", hash)
                .execute());
    }

    public List<ApiKey> listFor(String userId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE user_id = :user "
                        + "ORDER BY created_at, prefix")
                .bind("user", userId)
                .map(KEY)
                .list());
    }

    /** Deletes the owner's key with this prefix; false when they have none. */
    public boolean delete(String userId, String prefix) {
        return db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM api_keys WHERE user_id = :user AND prefix = :prefix")
                .bind("user", userId)
                .bind("prefix", prefix)
                .execute()) == 1;
    }

    private static Instant instant(Object epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(((Number) epochMillis).longValue());
    }
}
