-- Secrets kept in the database, so that every server using it agrees on them (the key that
-- signs the errors of no-JavaScript form posts).
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Tokens never to be accepted again before they expire: signed-out sessions (by the SHA-256 of
-- the access token) and OAuth `state` values already used. Rows past `expires_at` (Unix
-- seconds) are pruned.
CREATE TABLE revoked_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT    NOT NULL UNIQUE,
    kind       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);
