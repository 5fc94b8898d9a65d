-- Short-lived single-use tickets: how a browser authenticates a WebSocket or a download link,
-- which cannot carry an Authorization header, without putting a long-lived token in a URL. In the
-- database (not in memory) so that a ticket issued by one replica is accepted by another.
CREATE TABLE auth_tickets (
    ticket_hash TEXT PRIMARY KEY,
    -- 'user' (user_id set) or 'api_token' (one of auth.api_tokens)
    kind        TEXT   NOT NULL,
    user_id     TEXT REFERENCES users (user_id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX auth_tickets_expiry ON auth_tickets (expires_at);
