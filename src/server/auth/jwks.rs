//! The verification keys, by `kid`.
//!
//! Remote (Auth0): fetched from the JWKS URL at start-up and refreshed periodically; a token
//! with an unknown `kid` (key rotation) triggers a refetch, but at most one at a time and at
//! most once per cooldown, so a flood of random kids cannot make us hammer the issuer.
//! Fixed (local sign-in): the server's own key, never fetched.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::Instant,
};

use jsonwebtoken::{DecodingKey, jwk::Jwk};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::server::config::JwksTiming;

/// Largest JWKS document read. Auth0's holds two or three keys in a few KiB; a hostile or
/// broken endpoint must not make the server hold hundreds of MB.
pub const MAX_JWKS_BYTES: usize = 1024 * 1024;
/// Most keys kept from one document (each is parsed into an RSA key).
pub const MAX_JWKS_KEYS: usize = 32;

enum Source {
    Remote { url: String, client: reqwest::Client },
    Fixed,
}

pub struct KeyStore {
    source: Source,
    timing: JwksTiming,
    keys: RwLock<HashMap<String, Arc<DecodingKey>>>,
    /// Held while fetching, so fetches never overlap. Holds the time of the last fetch caused
    /// by an unknown kid (scheduled refreshes do not count against the cooldown).
    fetch: Mutex<Option<Instant>>,
}

#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("fetching the JWKS failed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the JWKS answered HTTP {0}")]
    Status(reqwest::StatusCode),
    #[error("the JWKS document has no `keys` array")]
    Shape,
    #[error("the JWKS holds no usable RS256 key")]
    NoKeys,
    #[error("the JWKS document is larger than {MAX_JWKS_BYTES} bytes")]
    TooLarge,
    #[error("the JWKS document is not JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl KeyStore {
    pub fn remote(url: String, timing: JwksTiming) -> KeyStore {
        let client = reqwest::Client::builder()
            .timeout(timing.fetch_timeout)
            .user_agent(concat!("casting-agency/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a reqwest client with a timeout always builds");
        KeyStore {
            source: Source::Remote { url, client },
            timing,
            keys: RwLock::default(),
            fetch: Mutex::new(None),
        }
    }

    /// Keys that are known up front and never refetched.
    pub fn fixed(jwks: &Value) -> Result<KeyStore, JwksError> {
        let store = KeyStore {
            source: Source::Fixed,
            timing: JwksTiming::default(),
            keys: RwLock::default(),
            fetch: Mutex::new(None),
        };
        store.replace(parse_jwks(jwks)?);
        Ok(store)
    }

    /// The key for `kid`, refetching the JWKS once if it is unknown and the cooldown allows.
    ///
    /// Never waits longer than one fetch timeout, whatever the settings: a token with an
    /// unknown kid waits for at most the one fetch under way (its own or another's), and the
    /// cooldown counts from the end of the last fetch, so a hanging JWKS with a cooldown
    /// shorter than the timeout cannot chain fetches while requests queue behind them.
    pub async fn key(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        if matches!(self.source, Source::Fixed) {
            return None;
        }
        let fetched = tokio::time::timeout(self.timing.fetch_timeout, async {
            let mut last = self.fetch.lock().await;
            // Whoever held the lock before us may have fetched it already.
            if self.cached(kid).is_some() {
                return;
            }
            if last.is_some_and(|at| at.elapsed() < self.timing.refetch_cooldown) {
                return;
            }
            // Set before the fetch too: a fetch given up half-way still counts.
            *last = Some(Instant::now());
            if let Err(err) = self.fetch_and_replace().await {
                tracing::warn!(%err, "JWKS refetch for an unknown kid failed");
            }
            *last = Some(Instant::now());
        })
        .await;
        if fetched.is_err() {
            tracing::debug!(kid, "gave up waiting for a JWKS fetch for an unknown kid");
        }
        self.cached(kid)
    }

    /// Fetches the key set now (start-up and the periodic refresh). On failure the keys we
    /// have stay in use.
    pub async fn refresh(&self) -> Result<usize, JwksError> {
        let _guard = self.fetch.lock().await;
        self.fetch_and_replace().await
    }

    /// Refreshes every `refresh_every` until the store is dropped.
    pub fn spawn_refresher(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(self);
        let every = self.timing.refresh_every;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await; // the first tick is immediate; start-up already fetched
            loop {
                tick.tick().await;
                let Some(store) = weak.upgrade() else { break };
                if let Err(err) = store.refresh().await {
                    tracing::warn!(%err, "periodic JWKS refresh failed; keeping the cached keys");
                }
            }
        })
    }

    pub fn len(&self) -> usize {
        self.keys.read().expect("key map lock poisoned").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `kid` is in the current key set (no fetching).
    pub(crate) fn holds(&self, kid: &str) -> bool {
        self.keys.read().expect("key map lock poisoned").contains_key(kid)
    }

    fn cached(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        self.keys.read().expect("key map lock poisoned").get(kid).cloned()
    }

    fn replace(&self, keys: HashMap<String, Arc<DecodingKey>>) {
        *self.keys.write().expect("key map lock poisoned") = keys;
    }

    async fn fetch_and_replace(&self) -> Result<usize, JwksError> {
        let Source::Remote { .. } = &self.source else {
            return Ok(self.len());
        };
        let fetched = self.fetch_remote().await;
        let outcome = if fetched.is_ok() { "ok" } else { "error" };
        metrics::counter!(crate::server::metrics::JWKS_FETCHES, "outcome" => outcome).increment(1);
        fetched
    }

    async fn fetch_remote(&self) -> Result<usize, JwksError> {
        let Source::Remote { url, client } = &self.source else {
            return Ok(self.len());
        };
        let mut response = client.get(url).send().await?;
        if !response.status().is_success() {
            return Err(JwksError::Status(response.status()));
        }
        if response.content_length().is_some_and(|n| n > MAX_JWKS_BYTES as u64) {
            return Err(JwksError::TooLarge);
        }
        // Read in chunks, so a body without (or lying about) its length stops at the limit.
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(JwksError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        let doc: Value = serde_json::from_slice(&body)?;
        let keys = parse_jwks(&doc)?;
        let n = keys.len();
        self.replace(keys);
        tracing::debug!(keys = n, "JWKS loaded");
        Ok(n)
    }
}

/// The RS256 signing keys of a JWK set, by kid. Keys of other types or uses are skipped one by
/// one rather than failing the whole set (issuers publish encryption keys too).
fn parse_jwks(doc: &Value) -> Result<HashMap<String, Arc<DecodingKey>>, JwksError> {
    let entries = doc.get("keys").and_then(Value::as_array).ok_or(JwksError::Shape)?;
    let keys: HashMap<_, _> = entries
        .iter()
        .filter(|k| k.get("kty").and_then(Value::as_str) == Some("RSA"))
        .filter(|k| k.get("use").and_then(Value::as_str).is_none_or(|u| u == "sig"))
        .filter(|k| k.get("alg").and_then(Value::as_str).is_none_or(|a| a == "RS256"))
        .take(MAX_JWKS_KEYS)
        .filter_map(|k| {
            let jwk: Jwk = serde_json::from_value(k.clone()).ok()?;
            let kid = jwk.common.key_id.clone()?;
            let key = DecodingKey::from_jwk(&jwk).ok()?;
            Some((kid, Arc::new(key)))
        })
        .collect();
    if keys.is_empty() { Err(JwksError::NoKeys) } else { Ok(keys) }
}
