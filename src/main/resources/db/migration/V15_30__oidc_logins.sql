-- OIDC sign-ins in flight, between the redirect to the provider and its callback. In the database
-- (not in memory) so that whichever replica receives the callback accepts it. Nothing here can be
-- replayed: the state, the browser's binding secret, the nonce and the PKCE verifier are stored as
-- hashes only (the nonce and verifier are derived again from the browser's cookie at the callback),
-- and a row is deleted by its first use.
CREATE TABLE oidc_logins (
    state_hash    TEXT PRIMARY KEY,
    provider      TEXT   NOT NULL,
    -- Hash of the random value in the browser's HttpOnly cookie: the callback must come from the
    -- browser that started the sign-in.
    browser_hash  TEXT   NOT NULL,
    nonce_hash    TEXT   NOT NULL,
    verifier_hash TEXT   NOT NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX oidc_logins_expiry ON oidc_logins (expires_at);
