package dev.stroem.auth;

import java.time.Instant;

/** A stored user; {@code passwordHash} is null for users who only sign in through OIDC. */
public record User(String userId, String email, String name, String passwordHash, boolean admin, Instant createdAt) {

    @Override
    public String toString() {
        return "User[" + userId + ", " + email + (admin ? ", admin" : "") + "]";
    }
}
