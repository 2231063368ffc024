//! Authentication (who is calling) and the permission check (may they do this).
//!
//! Every token, Auth0's or one issued by local sign-in, goes through [`Verifier::verify`]:
//! RS256 only, `exp`/`iss`/`aud`/`sub` required, keys looked up by `kid` in a [`KeyStore`].

pub(crate) mod extract;
mod jwks;
pub mod local;
pub mod oidc;
pub mod session;
pub mod signing;
mod verifier;

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
}

impl Principal {
    pub(crate) fn new(subject: String, mut permissions: Vec<Permission>) -> Principal {
        permissions.sort();
        permissions.dedup();
        Principal {
            subject,
            permissions,
        }
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
        if self.has(permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(permission))
        }
    }
}
