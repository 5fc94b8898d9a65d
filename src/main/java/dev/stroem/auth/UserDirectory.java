package dev.stroem.auth;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users as the API shows and admins manage them: the signed-in user's own record, the admin's
 * list, the admin flag, groups, and the initial user seeded from the config.
 */
public final class UserDirectory {
    private static final Logger log = LoggerFactory.getLogger(UserDirectory.class);
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final UserStore users;
    private final PasswordHasher passwords;
    private final Clock clock;

    public UserDirectory(UserStore users, PasswordHasher passwords, Clock clock) {
        this.users = users;
        this.passwords = passwords;
        this.clock = clock;
    }

    /** A user with what the API shows beside it. */
    public record Entry(User user, List<String> groups, List<String> authMethods) {}

    /**
     * {@code auth.initial_user}: created (admin) when no user has the email, else made admin. An
     * existing user's password is left alone: it may have been changed since.
     */
    public void seedInitialUser(String email, String password) {
        var existing = users.findByEmail(email);
        if (existing.isPresent()) {
            if (!existing.get().admin()) {
                users.setAdmin(existing.get().userId(), true);
                log.info("initial user {} made admin", existing.get().email());
            }
            return;
        }
        var user = new User(UUID.randomUUID().toString(), UserStore.normalizeEmail(email), null, passwords.hash(password),
                true, clock.instant());
        if (users.createIfAbsent(user)) {
            log.info("initial user {} created (admin)", user.email());
        } else {
            // Another replica seeded it at the same moment.
            users.findByEmail(email).filter(u -> !u.admin()).ifPresent(u -> users.setAdmin(u.userId(), true));
        }
    }

    /** The signed-in user as stored now. */
    public Entry me(Principal who) {
        if (!who.isUser()) {
            throw AuthException.unauthenticated("this request is not made by a signed-in user");
        }
        return entry(who.userId()).orElseThrow(() -> AuthException.unauthenticated("the user no longer exists"));
    }

    public Optional<Entry> entry(String userId) {
        return users.find(userId).map(u -> new Entry(u, users.groupsOf(u.userId()), users.authMethods(u)));
    }

    public List<Entry> list(int limit, int offset) {
        return users.list(limit, offset).stream()
                .map(u -> new Entry(u, users.groupsOf(u.userId()), users.authMethods(u)))
                .toList();
    }

    public long count() {
        return users.count();
    }

    /** Sets a user's admin flag; an admin cannot revoke their own. */
    public boolean setAdmin(Principal admin, String userId, boolean isAdmin) {
        if (!isAdmin && userId.equals(admin.userId())) {
            throw new AuthException(AuthException.Kind.BAD_REQUEST, "you cannot revoke your own admin status");
        }
        if (!users.setAdmin(userId, isAdmin)) {
            throw notFound(userId);
        }
        return isAdmin;
    }

    public List<String> groupsOf(String userId) {
        if (users.find(userId).isEmpty()) {
            throw notFound(userId);
        }
        return users.groupsOf(userId);
    }

    /** Replaces a user's groups; every name is 1-64 letters, digits, {@code _} or {@code -}. */
    public List<String> setGroups(String userId, List<String> groups) {
        for (int i = 0; i < groups.size(); i++) {
            String g = groups.get(i);
            if (g == null || !GROUP.matcher(g).matches()) {
                throw new AuthException(AuthException.Kind.BAD_REQUEST, "groups[" + i + "]: a group name is 1-64 letters, "
                        + "digits, \"_\" or \"-\", got " + (g == null ? "null" : "\"" + g + "\""));
            }
        }
        if (users.find(userId).isEmpty()) {
            throw notFound(userId);
        }
        users.setGroups(userId, groups);
        return users.groupsOf(userId);
    }

    public List<String> allGroups() {
        return users.allGroups();
    }

    private static AuthException notFound(String userId) {
        return new AuthException(AuthException.Kind.NOT_FOUND, "no user with id " + userId);
    }
}
