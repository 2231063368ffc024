//! Tokens already verified, remembered until they expire. Clients send the same bearer token
//! on every request, and checking an RS256 signature is the largest CPU cost of a small
//! authenticated request; a hit costs a SHA-256 of the token and a map lookup instead.
//!
//! Safe because a hit needs the very same token bytes (the key is the token's SHA-256, so no
//! token is kept), is only served before the token's `exp`, and only while the key that signed
//! it is still in the key set (a key dropped from the JWKS revokes its cached tokens).

use std::{collections::HashMap, sync::Mutex};

use super::Principal;

/// The most entries kept; beyond this, expired entries go, then (if still full) all of them.
const CAPACITY: usize = 10_000;

pub type TokenHash = [u8; 32];

pub fn hash(token: &str) -> TokenHash {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
    digest.as_ref().try_into().expect("SHA-256 is 32 bytes")
}

struct Entry {
    kid: String,
    principal: Principal,
    /// The token's `exp`: the entry is used strictly before it.
    expires_at: u64,
}

#[derive(Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<TokenHash, Entry>>,
}

impl TokenCache {
    /// The principal and signing key id of a token verified before, if it has not expired.
    pub fn get(&self, token: &TokenHash, now: u64) -> Option<(String, Principal)> {
        let entries = self.entries.lock().expect("token cache lock poisoned");
        let entry = entries.get(token).filter(|e| now < e.expires_at)?;
        Some((entry.kid.clone(), entry.principal.clone()))
    }

    pub fn insert(&self, token: TokenHash, kid: String, principal: Principal, now: u64) {
        let expires_at = principal.expires_at();
        if now >= expires_at {
            return; // accepted within the leeway only: not worth remembering
        }
        let mut entries = self.entries.lock().expect("token cache lock poisoned");
        if entries.len() >= CAPACITY {
            entries.retain(|_, e| now < e.expires_at);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(token, Entry { kid, principal, expires_at });
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().expect("token cache lock poisoned").len()
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(exp: u64) -> Principal {
        Principal::new("auth0|x".into(), Vec::new(), exp)
    }

    #[test]
    fn hits_only_the_same_token_before_it_expires() {
        let cache = TokenCache::default();
        cache.insert(hash("a.b.c"), "kid".into(), principal(100), 50);
        assert_eq!(cache.get(&hash("a.b.c"), 99).map(|(kid, _)| kid), Some("kid".into()));
        assert!(cache.get(&hash("a.b.c"), 100).is_none(), "not at or after exp");
        assert!(cache.get(&hash("a.b.d"), 60).is_none(), "another token");
    }

    #[test]
    fn expired_tokens_are_not_kept_and_the_size_is_bounded() {
        let cache = TokenCache::default();
        cache.insert(hash("old"), "kid".into(), principal(10), 10);
        assert!(cache.is_empty());
        for i in 0..CAPACITY + 5 {
            cache.insert(hash(&i.to_string()), "kid".into(), principal(1_000), 1);
        }
        assert!(cache.len() <= CAPACITY);
    }
}
