//! SQL for `revoked_tokens`: hashes of tokens that must not be accepted again before they
//! expire (signed-out sessions, used OAuth states).

use sqlx::{AnyPool, Row};

/// What a row revokes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Session,
    OauthState,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Session => "session",
            Kind::OauthState => "oauth_state",
        }
    }
}

/// Records `hash` until `expires_at` (Unix seconds). `false` if it was recorded already, which
/// for a single-use value means it was used before.
pub async fn insert(pool: &AnyPool, kind: Kind, hash: &str, expires_at: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO revoked_tokens (token_hash, kind, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (token_hash) DO NOTHING",
    )
    .bind(hash)
    .bind(kind.as_str())
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets rows past their expiry (on sign-out, which is rare, rather than on every insert).
pub async fn prune(pool: &AnyPool, now: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM revoked_tokens WHERE expires_at < $1").bind(now).execute(pool).await?;
    Ok(())
}

/// Revoked sessions with an id above `after` that have not expired: `(id, hash, expires_at)`.
pub async fn sessions_after(
    pool: &AnyPool,
    after: i64,
    now: i64,
) -> sqlx::Result<Vec<(i64, String, i64)>> {
    let rows = sqlx::query(
        "SELECT id, token_hash, expires_at FROM revoked_tokens \
         WHERE id > $1 AND kind = 'session' AND expires_at >= $2 ORDER BY id",
    )
    .bind(after)
    .bind(now)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("id")?, row.try_get("token_hash")?, row.try_get("expires_at")?)))
        .collect()
}
