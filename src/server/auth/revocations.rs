//! Tokens that signing out has revoked, and OAuth states already used.
//!
//! The session cookie holds the access token itself, so clearing the cookie alone would leave
//! a copy of it (from another tab, a proxy log, a stolen cookie) working until it expires.
//! Signing out records the token's SHA-256 in `revoked_tokens` until the token's `exp`, and
//! the verifier refuses a token found there, whether it comes as a cookie or a bearer token.
//!
//! Every check is a memory lookup. The server that signs a session out knows at once; other
//! servers sharing a PostgreSQL database read new rows every [`SYNC_EVERY`]. On SQLite there
//! is only one server (the file is locked to it), so memory is the whole truth.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, RwLock},
    time::Duration,
};

use super::{token_cache::TokenHash, verifier::LEEWAY_SECS};
use crate::server::{
    ApiError,
    db::{Db, revoked},
};

/// How often a server on PostgreSQL reads the sign-outs of the others.
pub const SYNC_EVERY: Duration = Duration::from_secs(1);

/// Rows are read again this far back by id on each sync: PostgreSQL hands out ids before
/// commit, so a row with a lower id can become visible after one with a higher id.
const REREAD_IDS: i64 = 256;

pub struct Revocations {
    db: Db,
    /// Revoked token hashes → `exp` (Unix seconds).
    revoked: RwLock<HashMap<TokenHash, i64>>,
    /// The highest row id read so far.
    last_id: Mutex<i64>,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn hex(hash: &TokenHash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(hex: &str) -> Option<TokenHash> {
    let mut hash = [0u8; 32];
    if hex.len() != 64 {
        return None;
    }
    for (i, byte) in hash.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(hash)
}

impl Revocations {
    /// Reads the revocations still in force.
    pub async fn load(db: Db) -> Result<Revocations, sqlx::Error> {
        let revocations =
            Revocations { db, revoked: RwLock::default(), last_id: Mutex::new(i64::MIN / 2) };
        revocations.sync().await?;
        Ok(revocations)
    }

    pub fn is_revoked(&self, hash: &TokenHash) -> bool {
        self.revoked.read().expect("revocation lock poisoned").contains_key(hash)
    }

    /// Revokes the token with `hash` until `expires_at` (its `exp`).
    pub async fn revoke(&self, hash: &TokenHash, expires_at: u64) -> Result<(), ApiError> {
        // Kept past `exp` by the leeway the verifier grants on it, or the token would be
        // accepted again for that long.
        let expires_at = i64::try_from(expires_at.saturating_add(LEEWAY_SECS)).unwrap_or(i64::MAX);
        revoked::prune(self.db.writer(), now()).await?;
        revoked::insert(self.db.writer(), revoked::Kind::Session, &hex(hash), expires_at).await?;
        self.revoked.write().expect("revocation lock poisoned").insert(*hash, expires_at);
        Ok(())
    }

    /// Records a single-use value (an OAuth `state`) as used; `false` if it was used before,
    /// by this server or any other sharing the database.
    /// Remembered for `lifetime` (how long the value could be presented at all).
    pub async fn use_once(&self, value: &str, lifetime: Duration) -> Result<bool, ApiError> {
        let expires_at =
            now().saturating_add(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX));
        let hash = hex(&super::token_cache::hash(value));
        Ok(revoked::insert(self.db.writer(), revoked::Kind::OauthState, &hash, expires_at).await?)
    }

    /// Reads rows other servers added, and forgets expired ones.
    pub async fn sync(&self) -> Result<(), sqlx::Error> {
        let after = *self.last_id.lock().expect("revocation lock poisoned");
        let now = now();
        let rows = revoked::sessions_after(self.db.pool(), after - REREAD_IDS, now).await?;
        let mut revoked = self.revoked.write().expect("revocation lock poisoned");
        revoked.retain(|_, exp| *exp >= now);
        let mut last = self.last_id.lock().expect("revocation lock poisoned");
        for (id, hash, exp) in rows {
            *last = (*last).max(id);
            if let Some(hash) = from_hex(&hash) {
                revoked.insert(hash, exp);
            }
        }
        Ok(())
    }

    /// On PostgreSQL, syncs every [`SYNC_EVERY`] until dropped; nothing to do on SQLite.
    pub fn spawn_sync(self: &Arc<Self>) -> Option<tokio::task::JoinHandle<()>> {
        if !self.db.tracks_other_servers() {
            return None;
        }
        let weak = Arc::downgrade(self);
        Some(tokio::spawn(async move {
            let mut tick = tokio::time::interval(SYNC_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(revocations) = weak.upgrade() else { break };
                if let Err(err) = revocations.sync().await {
                    tracing::warn!(error = %err, "reading sign-outs from the database failed");
                }
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_round_trip_through_hex() {
        let hash = super::super::token_cache::hash("a token");
        assert_eq!(from_hex(&hex(&hash)), Some(hash));
        assert_eq!(from_hex("zz"), None);
    }
}
