-- Secrets kept in the database, so that every instance sharing it agrees on them (the key that
-- signs the errors of no-JavaScript form posts).
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Tokens never to be accepted again before they expire: signed-out sessions (by the SHA-256 of
-- the access token) and OAuth `state` values already used. Instances read new rows by `id`
-- about once a second. Rows past `expires_at` (Unix seconds) are pruned.
CREATE TABLE revoked_tokens (
    id         BIGSERIAL PRIMARY KEY,
    token_hash TEXT   NOT NULL UNIQUE,
    kind       TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);
