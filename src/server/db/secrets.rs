//! Secrets kept in the database, created once by whichever server starts first: every server
//! sharing the database then signs and checks with the same key.

use sqlx::{AnyPool, Row};

/// The secret named `name`: 32 random bytes, created on first use.
pub async fn get_or_create(pool: &AnyPool, name: &str) -> sqlx::Result<Vec<u8>> {
    use base64::{Engine, engine::general_purpose::STANDARD};
    let mut fresh = [0u8; 32];
    aws_lc_rs::rand::fill(&mut fresh).map_err(|_| sqlx::Error::Protocol("no randomness".into()))?;
    // Two servers starting together: the first insert wins, both read the winner.
    sqlx::query(
        "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(STANDARD.encode(fresh))
    .execute(pool)
    .await?;
    let value: String = sqlx::query("SELECT value FROM server_secrets WHERE name = $1")
        .bind(name)
        .fetch_one(pool)
        .await?
        .try_get("value")?;
    STANDARD.decode(value).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
