//! Bearer token verification, the same for Auth0's tokens and local sign-in's.

use std::sync::Arc;

use jsonwebtoken::{Algorithm, Validation, errors::ErrorKind};
use serde::Deserialize;
use serde_json::Value;

use super::{
    KeyStore, Principal,
    revocations::Revocations,
    token_cache::{self, TokenCache, TokenHash},
};
use crate::{model::Permission, server::ApiError};

/// Clock skew tolerated on `exp` and `nbf`.
pub(crate) const LEEWAY_SECS: u64 = 30;

pub struct Verifier {
    keys: Arc<KeyStore>,
    validation: Validation,
    verified: TokenCache,
    /// Signed-out tokens; `None` where nothing can sign out (tools that only verify).
    revocations: Option<Arc<Revocations>>,
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    exp: u64,
    /// Must be an array of strings to grant anything; see [`permissions_from`].
    #[serde(default)]
    permissions: Value,
    /// Not in Auth0's access tokens by default; an Action may add it.
    #[serde(default)]
    name: Option<String>,
}

impl Verifier {
    pub fn new(keys: Arc<KeyStore>, issuer: &str, audience: &str) -> Verifier {
        // The algorithm is pinned here and never taken from the token header, which defeats
        // `alg: none` and HS256-signed-with-the-public-key forgeries.
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        Verifier { keys, validation, verified: TokenCache::default(), revocations: None }
    }

    /// Refuses the tokens `revocations` holds (signed-out sessions).
    pub fn with_revocations(mut self, revocations: Arc<Revocations>) -> Verifier {
        self.revocations = Some(revocations);
        self
    }

    pub fn revocations(&self) -> Option<&Arc<Revocations>> {
        self.revocations.as_ref()
    }

    fn check_revoked(&self, hash: &TokenHash) -> Result<(), ApiError> {
        match &self.revocations {
            Some(revocations) if revocations.is_revoked(hash) => Err(ApiError::unauthorized(
                "token_revoked",
                "this session was signed out; sign in again",
            )),
            _ => Ok(()),
        }
    }

    pub fn keys(&self) -> &Arc<KeyStore> {
        &self.keys
    }

    pub async fn verify(&self, token: &str) -> Result<Principal, ApiError> {
        let principal = self.verify_token(token).await?;
        // Names the caller in the request's log lines (the `sub` field of its span).
        tracing::Span::current().record("sub", principal.subject());
        Ok(principal)
    }

    async fn verify_token(&self, token: &str) -> Result<Principal, ApiError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let hash = token_cache::hash(token);
        self.check_revoked(&hash)?;
        if let Some((kid, principal)) = self.verified.get(&hash, now)
            && self.keys.holds(&kid)
        {
            return Ok(principal);
        }
        let header = jsonwebtoken::decode_header(token).map_err(|_| {
            ApiError::unauthorized("invalid_header", "the token is not a well-formed RS256 JWT")
        })?;
        if header.alg != Algorithm::RS256 {
            return Err(ApiError::unauthorized(
                "invalid_header",
                "the token must be signed with RS256",
            ));
        }
        let kid = header.kid.ok_or_else(|| {
            ApiError::unauthorized("invalid_header", "the token header has no `kid`")
        })?;
        let key = self.keys.key(&kid).await.ok_or_else(|| {
            ApiError::unauthorized("invalid_header", "the token was signed with an unknown key")
        })?;
        let data = jsonwebtoken::decode::<Claims>(token, &key, &self.validation).map_err(reject)?;
        let principal = Principal::new(
            data.claims.sub,
            permissions_from(&data.claims.permissions),
            data.claims.exp,
        )
        .with_name(data.claims.name.as_deref());
        self.verified.insert(hash, kid, principal.clone(), now);
        Ok(principal)
    }
}

/// Only a JSON array whose every element is a string grants anything, and each string must
/// name a permission exactly. A plain string (`"get:actors post:actors"`) grants nothing: it
/// must never be searched for substrings.
fn permissions_from(claim: &Value) -> Vec<Permission> {
    let Some(items) = claim.as_array() else {
        return Vec::new();
    };
    if !items.iter().all(Value::is_string) {
        return Vec::new();
    }
    items.iter().filter_map(Value::as_str).filter_map(Permission::parse).collect()
}

fn reject(err: jsonwebtoken::errors::Error) -> ApiError {
    let (code, message) = match err.kind() {
        ErrorKind::ExpiredSignature => ("token_expired", "the token has expired".to_owned()),
        ErrorKind::ImmatureSignature => {
            ("invalid_claims", "the token is not valid yet (nbf)".to_owned())
        }
        ErrorKind::InvalidIssuer => {
            ("invalid_claims", "the token was issued by an untrusted issuer".to_owned())
        }
        ErrorKind::InvalidAudience => {
            ("invalid_claims", "the token is not meant for this API (aud)".to_owned())
        }
        ErrorKind::InvalidSubject => ("invalid_claims", "the token subject is invalid".to_owned()),
        ErrorKind::MissingRequiredClaim(claim) => {
            ("invalid_claims", format!("the token lacks the `{claim}` claim"))
        }
        ErrorKind::InvalidClaimFormat(claim) => {
            ("invalid_claims", format!("the token's `{claim}` claim is malformed"))
        }
        ErrorKind::Json(_) => ("invalid_claims", "the token's claims are malformed".to_owned()),
        ErrorKind::InvalidSignature => {
            ("invalid_signature", "the token signature is invalid".to_owned())
        }
        ErrorKind::InvalidAlgorithm => {
            ("invalid_header", "the token must be signed with RS256".to_owned())
        }
        _ => ("invalid_header", "the token is not a well-formed RS256 JWT".to_owned()),
    };
    ApiError::unauthorized(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_an_array_of_strings_grants_permissions() {
        assert_eq!(
            permissions_from(&json!(["get:actors", "post:movies", "nonsense"])),
            vec![Permission::GetActors, Permission::PostMovies]
        );
        assert!(permissions_from(&json!("get:actors post:actors")).is_empty());
        assert!(permissions_from(&json!(["get:actors", 1])).is_empty());
        assert!(permissions_from(&json!(["GET:ACTORS", "get:actors "])).is_empty());
        assert!(permissions_from(&Value::Null).is_empty());
    }
}
