//! Authentication (who is calling) and the permission check (may they do this).
//!
//! Every token, Auth0's or one issued by local sign-in, goes through [`Verifier::verify`]:
//! RS256 only, `exp`/`iss`/`aud`/`sub` required, keys looked up by `kid` in a [`KeyStore`].

pub(crate) mod bearer;
mod jwks;
pub mod local;
pub mod oidc;
pub mod revocations;
pub mod signing;
pub(crate) mod token_cache;
mod verifier;
pub mod web_session;

pub use jwks::KeyStore;
pub use local::LocalIssuer;
pub use verifier::Verifier;

use crate::{model::Permission, server::ApiError};

/// A caller whose token has been verified. The only way to get one is through the verifier,
/// so holding a `Principal` means the signature, issuer, audience and expiry were checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    subject: String,
    permissions: Vec<Permission>,
    /// `exp` of the token, in seconds since the Unix epoch.
    expires_at: u64,
    /// A display name, when the token carries one (`name`): for the change journal.
    name: Option<String>,
}

impl Principal {
    pub(crate) fn new(
        subject: String,
        mut permissions: Vec<Permission>,
        expires_at: u64,
    ) -> Principal {
        permissions.sort();
        permissions.dedup();
        Principal { subject, permissions, expires_at, name: None }
    }

    /// With the token's `name` claim: trimmed, without control characters, at most 200
    /// characters (it is shown to other people, in the journal).
    pub(crate) fn with_name(mut self, name: Option<&str>) -> Principal {
        self.name = name
            .map(|n| n.chars().filter(|c| !c.is_control()).take(200).collect::<String>())
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        self
    }

    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Seconds until the token expires (0 if it already has, within the leeway).
    /// The token's `exp`, in seconds since the Unix epoch.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    pub fn expires_in(&self) -> u64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        self.expires_at.saturating_sub(now)
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub fn permissions(&self) -> &[Permission] {
        &self.permissions
    }

    pub fn has(&self, permission: Permission) -> bool {
        self.permissions.binary_search(&permission).is_ok()
    }

    /// 403 unless the token carried `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.has(permission) { Ok(()) } else { Err(ApiError::Forbidden(permission)) }
    }
}

/// A caller allowed to change data: a verified [`Principal`] whose request another site cannot
/// have made in their name. Either a bearer token (browsers never attach one on their own) or
/// the session cookie on a same-origin request. Only this module makes one
/// ([`web_session::authenticate_writer`], [`bearer::bearer_writer`]), and the service's write
/// methods take nothing else, so a write checked only as a read does not compile:
///
/// ```compile_fail
/// use casting_agency::server::{auth::Principal, service::Service};
/// async fn mislabelled(svc: Service, reader: Principal) {
///     // A caller authenticated for reading (no same-origin check) cannot delete.
///     let _ = svc.delete_actor(&reader, 1, &Default::default()).await;
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Writer(Principal, Option<String>);

impl Writer {
    /// The same caller, whose changes from here on are journaled as one batch (`batch`): what
    /// the service does for an action on many records at once, so its history shows one line
    /// and it can be undone as a whole.
    pub(crate) fn in_batch(&self, batch: String) -> Writer {
        Writer(self.0.clone(), Some(batch))
    }

    /// The batch this writer's changes join, if any.
    pub fn batch(&self) -> Option<&str> {
        self.1.as_deref()
    }
}

impl std::ops::Deref for Writer {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.0
    }
}
