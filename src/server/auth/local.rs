//! Local sign-in: when no Auth0 is configured, the server issues Auth0-shaped tokens itself,
//! signed with a key it keeps in the data directory, so anyone can try every role at once.
//! Never available when Auth0 is configured (the routes do not exist and the key is not
//! trusted) and refused outright with `APP_ENV=production`.

use std::{
    io::Write,
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use serde_json::{Value, json};

use super::signing::{KeyError, SigningKey};
use crate::model::Role;

/// `iss` of locally issued tokens. Not a real host: nothing is ever fetched from it.
pub const LOCAL_ISSUER: &str = "https://casting-agency.local/";
/// `aud` of locally issued tokens.
pub const LOCAL_AUDIENCE: &str = "casting-agency-api";
const KEY_FILE: &str = "local-signing-key.pem";

pub struct LocalIssuer {
    key: SigningKey,
    ttl: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum LocalKeyError {
    #[error("cannot read or write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a usable key ({source}); delete it to get a new one")]
    Key { path: PathBuf, source: KeyError },
}

/// A token and what it grants, as answered to `POST /auth/dev-token`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct IssuedToken {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds.
    pub expires_in: u64,
    #[schema(value_type = String, example = "producer")]
    pub role: Role,
    #[schema(example = json!(["get:actors", "get:movies"]))]
    pub permissions: Vec<&'static str>,
}

impl LocalIssuer {
    /// Loads the key from `data_dir`, creating it (mode 0600) on first start.
    pub fn load_or_create(data_dir: &Path, ttl: Duration) -> Result<LocalIssuer, LocalKeyError> {
        let path = data_dir.join(KEY_FILE);
        let io = |source| LocalKeyError::Io { path: path.clone(), source };
        let key = match std::fs::read_to_string(&path) {
            Ok(pem) => SigningKey::from_pem(&pem)
                .map_err(|source| LocalKeyError::Key { path: path.clone(), source })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(io)?;
                let key = SigningKey::generate()
                    .map_err(|source| LocalKeyError::Key { path: path.clone(), source })?;
                write_private(&path, key.to_pem()).map_err(io)?;
                tracing::info!(path = %path.display(), "created the local sign-in key");
                key
            }
            Err(e) => return Err(io(e)),
        };
        Ok(LocalIssuer { key, ttl })
    }

    pub fn from_key(key: SigningKey, ttl: Duration) -> LocalIssuer {
        LocalIssuer { key, ttl }
    }

    pub fn jwks(&self) -> Value {
        self.key.jwks()
    }

    /// An access token for the role named `role` (`director`, `Casting Director`...); a 422
    /// naming the `role` field for anything else.
    pub fn issue_named(&self, role: &str) -> Result<IssuedToken, crate::server::ApiError> {
        let role = Role::parse(role).ok_or_else(|| {
            crate::server::ApiError::validation(
                "role",
                "invalid_field",
                "role must be one of: assistant, director, producer",
            )
        })?;
        Ok(self.issue(role))
    }

    /// An access token for `role`, shaped like Auth0's (`permissions` claim, array `aud`).
    pub fn issue(&self, role: Role) -> IssuedToken {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let permissions: Vec<&'static str> =
            role.permissions().iter().map(|p| p.as_str()).collect();
        let claims = json!({
            "iss": LOCAL_ISSUER,
            "sub": format!("local|{}", role.slug()),
            "aud": [LOCAL_AUDIENCE],
            "iat": now,
            "exp": now + self.ttl.as_secs(),
            "scope": "",
            "permissions": permissions,
            "name": format!("{} (local sign-in)", role.title()),
            "https://casting-agency.local/role": role.title(),
        });
        IssuedToken {
            access_token: self.key.sign(&claims),
            token_type: "Bearer",
            expires_in: self.ttl.as_secs(),
            role,
            permissions,
        }
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("pem.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    // Rename is atomic: a crash never leaves a half-written key behind.
    std::fs::rename(&tmp, path)
}
