-- Users, their groups, sign-in links, refresh tokens and API keys (the auth room). Portable types
-- only, as in V1: times are epoch milliseconds, booleans INTEGER 0/1. No secret is stored in the
-- clear: passwords as Argon2id hashes, refresh tokens and API keys as hashes of the raw value.

CREATE TABLE users (
    user_id       TEXT PRIMARY KEY,
    -- Stored lower-cased: one account per address whatever the case it is typed in.
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT,
    -- NULL for users who only sign in through an OIDC provider.
    password_hash TEXT,
    is_admin      INTEGER NOT NULL,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE user_groups (
    user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    group_name TEXT NOT NULL,
    PRIMARY KEY (user_id, group_name)
);
CREATE INDEX user_groups_name ON user_groups (group_name);

-- An external identity (OIDC provider + subject) that signs in as a user.
CREATE TABLE user_auth_links (
    provider    TEXT   NOT NULL,
    external_id TEXT   NOT NULL,
    user_id     TEXT   NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (provider, external_id)
);

-- Refresh tokens rotate on use. All tokens descending from one login share a family; presenting
-- an already-used token revokes the whole family (someone else holds a copy).
CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    family_id   TEXT   NOT NULL,
    user_id     TEXT   NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    revoked_at  BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE api_keys (
    key_hash     TEXT PRIMARY KEY,
    -- The first 8 characters ("strm_" + 3), what lists show and DELETE names; unique per owner.
    prefix       TEXT   NOT NULL,
    user_id      TEXT   NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    last_used_at BIGINT
);
CREATE UNIQUE INDEX api_keys_owner_prefix ON api_keys (user_id, prefix);
