//! What every request handler and server function works with: the service layer, token
//! verification, and the sign-in pieces of the configured mode. Built once by `startup`.

use std::{sync::Arc, time::Duration};

use crate::server::{
    ApiError,
    auth::{LocalIssuer, Verifier, Writer, oidc::Auth0Login, web_session::SessionCookie},
    limits::Limits,
    service::Service,
};

/// What request handlers and server functions need; provided to Leptos as context too.
#[derive(Clone)]
pub struct Core {
    pub service: Service,
    pub verifier: Arc<Verifier>,
    /// `Some` only in local sign-in mode.
    pub local: Option<Arc<LocalIssuer>>,
    /// Auth0 sign-in for the web app (Auth0 mode with a client id).
    pub auth0: Option<Arc<Auth0Login>>,
    /// The web app's session cookie.
    pub cookie: SessionCookie,
    pub local_token_ttl: Duration,
    /// How often an idle event stream gets a keep-alive comment.
    pub event_heartbeat: Duration,
    /// The bearer secret of `GET /metrics` on the app's port (`METRICS_TOKEN`).
    pub metrics_token: Option<Arc<str>>,
    /// Rate limits on sign-in and writes.
    pub limits: Limits,
}

impl Core {
    /// `who` may write now, or 429: every write (REST or server function) passes here once
    /// its caller is known.
    pub fn admit_write(&self, who: Writer) -> Result<Writer, ApiError> {
        self.limits.admit_write(who.subject())?;
        Ok(who)
    }

    /// The local issuer; a 404 when local sign-in is off (its routes are not even mounted
    /// then, so this only guards against a wiring mistake).
    pub fn local_issuer(&self) -> Result<&LocalIssuer, ApiError> {
        self.local
            .as_deref()
            .ok_or_else(|| ApiError::NotFound("local sign-in is not enabled".into()))
    }
}
