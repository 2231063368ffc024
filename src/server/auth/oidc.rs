//! The web app's Auth0 sign-in: Authorization Code flow with PKCE, run by the server.
//!
//! `/auth/login` sends the browser to Auth0 with a fresh `state` and PKCE challenge, kept in a
//! short-lived HttpOnly cookie; `/auth/callback` checks `state`, exchanges the code (with the
//! verifier) at the token endpoint, verifies the access token exactly as API tokens are
//! verified, and keeps it in the session cookie.

use std::time::Duration;

use aws_lc_rs::{constant_time, digest, rand};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::Deserialize;

use crate::server::{ApiError, config::Auth0Config};

/// The cookie holding `state` and the PKCE verifier between login and callback. With secure
/// cookies it takes the `__Host-` prefix (and so `Path=/`), so a sibling subdomain cannot plant
/// its own flow and sign the victim in as the attacker.
pub fn flow_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-casting_oauth" } else { "casting_oauth" }
}
/// How long a person has to finish signing in at Auth0.
pub const FLOW_TTL: Duration = Duration::from_secs(600);

pub struct Auth0Login {
    config: Auth0Config,
    client_id: String,
    redirect_uri: String,
    return_to: String,
    http: reqwest::Client,
}

/// What `/auth/login` needs to remember until the callback.
pub struct Flow {
    pub state: String,
    pub verifier: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes).expect("the system RNG is available");
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Flow {
    pub fn new() -> Flow {
        Flow { state: random_token(), verifier: random_token() }
    }

    /// `S256`: base64url(SHA-256(verifier)).
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, self.verifier.as_bytes()))
    }

    pub fn to_cookie_value(&self) -> String {
        format!("{}.{}", self.state, self.verifier)
    }

    pub fn from_cookie_value(value: &str) -> Option<Flow> {
        let (state, verifier) = value.split_once('.')?;
        Some(Flow { state: state.to_owned(), verifier: verifier.to_owned() })
    }

    /// Constant-time comparison with the `state` Auth0 sent back.
    pub fn state_matches(&self, returned: &str) -> bool {
        constant_time::verify_slices_are_equal(self.state.as_bytes(), returned.as_bytes()).is_ok()
    }
}

impl Default for Flow {
    fn default() -> Self {
        Flow::new()
    }
}

impl Auth0Login {
    /// `None` when no client id is configured: then the web app has no Auth0 sign-in.
    pub fn new(config: &Auth0Config, base_url: &str, timeout: Duration) -> Option<Auth0Login> {
        let client_id = config.client_id.clone()?;
        let base = base_url.trim_end_matches('/');
        Some(Auth0Login {
            config: config.clone(),
            client_id,
            redirect_uri: format!("{base}/auth/callback"),
            return_to: format!("{base}/login"),
            http: reqwest::Client::builder()
                .timeout(timeout)
                .build()
                .expect("a reqwest client with a timeout always builds"),
        })
    }

    /// Where to send the browser to sign in. `audience` makes Auth0 issue an access token for
    /// our API, with the `permissions` claim.
    pub fn authorize_url(&self, flow: &Flow) -> String {
        let mut url = reqwest::Url::parse(&self.config.authorize_url()).expect("issuer is a URL");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("scope", "openid profile email")
            .append_pair("audience", &self.config.audience)
            .append_pair("state", &flow.state)
            .append_pair("code_challenge", &flow.challenge())
            .append_pair("code_challenge_method", "S256");
        url.into()
    }

    /// Auth0's origin (`https://tenant.auth0.com`): sign-in and sign-out form posts redirect
    /// there, which the pages' Content-Security-Policy must allow.
    pub fn origin(&self) -> String {
        reqwest::Url::parse(&self.config.authorize_url())
            .map(|url| url.origin().ascii_serialization())
            .unwrap_or_default()
    }

    /// Where to send the browser after clearing our session, to end Auth0's too.
    pub fn logout_url(&self) -> String {
        let mut url = reqwest::Url::parse(&self.config.logout_url()).expect("issuer is a URL");
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("returnTo", &self.return_to);
        url.into()
    }

    /// Trades the authorization code for an access token.
    pub async fn exchange(&self, code: &str, flow: &Flow) -> Result<String, ApiError> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("client_id", self.client_id.as_str()),
            ("code", code),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("code_verifier", flow.verifier.as_str()),
        ];
        if let Some(secret) = &self.config.client_secret {
            form.push(("client_secret", secret.as_str()));
        }
        let response =
            self.http.post(self.config.token_url()).form(&form).send().await.map_err(|e| {
                tracing::warn!(error = %e, "Auth0 token endpoint unreachable");
                ApiError::unauthorized("sign_in_failed", "Auth0 could not be reached; try again")
            })?;
        if !response.status().is_success() {
            tracing::warn!(status = %response.status(), "Auth0 refused the authorization code");
            return Err(ApiError::unauthorized(
                "sign_in_failed",
                "Auth0 refused the sign-in; try again",
            ));
        }
        let token: TokenResponse = response.json().await.map_err(|e| {
            tracing::warn!(error = %e, "Auth0 token response unreadable");
            ApiError::unauthorized("sign_in_failed", "Auth0 answered unexpectedly; try again")
        })?;
        Ok(token.access_token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_matches_rfc_7636_example() {
        // RFC 7636, appendix B.
        let flow = Flow {
            state: "s".into(),
            verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
        };
        assert_eq!(flow.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        let back = Flow::from_cookie_value(&flow.to_cookie_value()).unwrap();
        assert!(back.state_matches("s") && !back.state_matches("t"));
        assert_ne!(Flow::new().state, Flow::new().state);
    }
}
