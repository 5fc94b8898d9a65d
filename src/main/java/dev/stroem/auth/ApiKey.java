package dev.stroem.auth;

import java.time.Instant;

/** A stored API key as its owner sees it: never the raw key, which exists only in the creation answer. */
public record ApiKey(String prefix, String userId, String name, Instant createdAt, Instant expiresAt, Instant lastUsedAt) {}
