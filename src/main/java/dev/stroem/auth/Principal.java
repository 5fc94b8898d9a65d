package dev.stroem.auth;

import java.util.Set;

/**
 * Who makes a request. {@code OPEN} (no {@code auth} configured) and {@code API_TOKEN} (one of
 * {@code auth.api_tokens}) have no user: they may see and run everything but manage no users.
 * {@code ACCESS_TOKEN} and {@code API_KEY} are users, subject to the ACL unless admin.
 */
public record Principal(String userId, String email, String name, boolean admin, Set<String> groups, Kind kind) {

    public enum Kind { OPEN, API_TOKEN, ACCESS_TOKEN, API_KEY }

    public static final Principal OPEN = new Principal(null, null, null, false, Set.of(), Kind.OPEN);
    public static final Principal STATIC_TOKEN = new Principal(null, null, null, false, Set.of(), Kind.API_TOKEN);

    public Principal {
        groups = Set.copyOf(groups);
    }

    /** True for a signed-in user (access token or API key), false for the open server and static tokens. */
    public boolean isUser() {
        return kind == Kind.ACCESS_TOKEN || kind == Kind.API_KEY;
    }
}
