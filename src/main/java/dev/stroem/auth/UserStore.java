package dev.stroem.auth;

import dev.stroem.jobs.store.Database;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** The {@code users}, {@code user_groups} and {@code user_auth_links} tables: all their SQL is here. */
public final class UserStore {
    private static final String COLUMNS = "user_id, email, name, password_hash, is_admin, created_at";
    private static final RowMapper<User> USER = (rs, ctx) -> new User(rs.getString("user_id"), rs.getString("email"),
            rs.getString("name"), rs.getString("password_hash"), rs.getInt("is_admin") != 0,
            Instant.ofEpochMilli(rs.getLong("created_at")));

    private final Database db;

    public UserStore(Database db) {
        this.db = db;
    }

    static String normalizeEmail(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    /** Inserts {@code user} unless its email is taken; true when it was inserted. */
    public boolean createIfAbsent(User user) {
        return db.jdbi().withHandle(h -> insert(h, user));
    }

    private static boolean insert(Handle h, User user) {
        return h.createUpdate("INSERT INTO users (" + COLUMNS + ") VALUES (:id, :email, :name, :hash, :admin, :created) "
                        + "ON CONFLICT (email) DO NOTHING")
                .bind("id", user.userId())
                .bind("email", normalizeEmail(user.email()))
                .bind("name", user.name())
                .bind("hash", user.passwordHash())
                .bind("admin", user.admin() ? 1 : 0)
                .bind("created", user.createdAt().toEpochMilli())
                .execute() == 1;
    }

    public Optional<User> findByEmail(String email) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE email = :email")
                .bind("email", normalizeEmail(email))
                .map(USER)
                .findOne());
    }

    public Optional<User> find(String userId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE user_id = :id")
                .bind("id", userId)
                .map(USER)
                .findOne());
    }

    public long count() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one());
    }

    /** Users by creation time (oldest first), for the admin's list. */
    public List<User> list(int limit, int offset) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users ORDER BY created_at, user_id "
                        + "LIMIT :limit OFFSET :offset")
                .bind("limit", limit)
                .bind("offset", offset)
                .map(USER)
                .list());
    }

    /** Sets the admin flag; false when there is no such user. */
    public boolean setAdmin(String userId, boolean admin) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE users SET is_admin = :admin WHERE user_id = :id")
                .bind("admin", admin ? 1 : 0)
                .bind("id", userId)
                .execute()) == 1;
    }

    /** Sets the password hash (the initial user's password follows the config). */
    public void setPasswordHash(String userId, String hash) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE users SET password_hash = :hash WHERE user_id = :id")
                .bind("hash", hash)
                .bind("id", userId)
                .execute());
    }

    /** The user's groups, sorted. */
    public List<String> groupsOf(String userId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT group_name FROM user_groups WHERE user_id = :id "
                        + "ORDER BY group_name")
                .bind("id", userId)
                .mapTo(String.class)
                .list());
    }

    /** Replaces the user's groups in one transaction. */
    public void setGroups(String userId, List<String> groups) {
        db.jdbi().useTransaction(h -> {
            h.createUpdate("DELETE FROM user_groups WHERE user_id = :id").bind("id", userId).execute();
            for (String group : new TreeSet<>(groups)) {
                h.createUpdate("INSERT INTO user_groups (user_id, group_name) VALUES (:id, :group)")
                        .bind("id", userId)
                        .bind("group", group)
                        .execute();
            }
        });
    }

    /** Every group name in use, sorted. */
    public List<String> allGroups() {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT DISTINCT group_name FROM user_groups ORDER BY group_name")
                .mapTo(String.class)
                .list());
    }

    /** The providers a user signs in through: {@code internal} when they have a password, then their OIDC links. */
    public List<String> authMethods(User user) {
        var methods = new ArrayList<String>();
        if (user.passwordHash() != null) {
            methods.add("internal");
        }
        methods.addAll(db.jdbi().withHandle(h -> h.createQuery("SELECT provider FROM user_auth_links WHERE user_id = :id "
                        + "ORDER BY provider")
                .bind("id", user.userId())
                .mapTo(String.class)
                .list()));
        return methods;
    }

    /** The user an external identity is linked to. */
    public Optional<User> findByLink(String provider, String externalId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT u.user_id, u.email, u.name, u.password_hash, u.is_admin, "
                        + "u.created_at FROM user_auth_links l JOIN users u ON u.user_id = l.user_id "
                        + "WHERE l.provider = :provider AND l.external_id = :ext")
                .bind("provider", provider)
                .bind("ext", externalId)
                .map(USER)
                .findOne());
    }

    /** Links an external identity to a user (nothing happens when the link exists). */
    public void link(String provider, String externalId, String userId, Instant now) {
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO user_auth_links (provider, external_id, user_id, created_at) "
                        + "VALUES (:provider, :ext, :id, :now) ON CONFLICT (provider, external_id) DO NOTHING")
                .bind("provider", provider)
                .bind("ext", externalId)
                .bind("id", userId)
                .bind("now", now.toEpochMilli())
                .execute());
    }

    /**
     * Creates {@code user} with {@code groups} and a link, in one transaction; the user is made admin
     * when {@code adminIfFirst} and no user exists yet. Empty when the email was taken meanwhile.
     */
    public Optional<User> createLinked(User user, List<String> groups, String provider, String externalId,
            boolean adminIfFirst) {
        return db.jdbi().inTransaction(h -> {
            boolean first = h.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one() == 0;
            var created = first && adminIfFirst ? new User(user.userId(), user.email(), user.name(), null, true,
                    user.createdAt()) : user;
            if (!insert(h, created)) {
                return Optional.<User>empty();
            }
            for (String group : new TreeSet<>(groups)) {
                h.createUpdate("INSERT INTO user_groups (user_id, group_name) VALUES (:id, :group)")
                        .bind("id", created.userId())
                        .bind("group", group)
                        .execute();
            }
            h.createUpdate("INSERT INTO user_auth_links (provider, external_id, user_id, created_at) "
                            + "VALUES (:provider, :ext, :id, :now)")
                    .bind("provider", provider)
                    .bind("ext", externalId)
                    .bind("id", created.userId())
                    .bind("now", created.createdAt().toEpochMilli())
                    .execute();
            return Optional.of(created);
        });
    }
}
