//! Signing in and out of the web app. Plain HTML form posts, so they work before (and
//! without) the WASM.

use axum::{
    Form,
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use crate::server::{ApiError, api::state::AppState, auth::token_cache::hash};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LocalLogin {
    /// `assistant`, `director` or `producer`.
    role: String,
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// Web app: local sign-in
///
/// A form post from the sign-in page (local mode only): sets the session cookie and sends the
/// browser home. Same-origin requests only.
#[utoipa::path(post, path = "/auth/local-login", tag = "web sign-in", operation_id = "local_login",
    request_body(content = LocalLogin, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = SEE_OTHER, description = "Signed in; to `/`"),
        (status = FORBIDDEN, description = "A cross-site request", body = crate::server::ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "Not a role", body = crate::server::ErrorBody),
    ))]
pub async fn local_login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LocalLogin>,
) -> Result<Response, ApiError> {
    state.core.cookie.require_same_origin(&headers)?;
    let issuer = state.core.local_issuer()?;
    let issued = issuer.issue_named(&form.role)?;
    let mut response = redirect("/");
    response
        .headers_mut()
        .insert(header::SET_COOKIE, state.core.cookie.set(&issued.access_token, issued.expires_in));
    Ok(response)
}

/// Web app: sign out
///
/// Revokes the session's token until it expires, clears the session cookie (and, with Auth0,
/// sends the browser to Auth0's logout). Same-origin requests only.
#[utoipa::path(post, path = "/auth/logout", tag = "web sign-in", operation_id = "logout",
    responses(
        (status = SEE_OTHER, description = "Signed out"),
        (status = FORBIDDEN, description = "A cross-site request", body = crate::server::ErrorBody),
        (status = SERVICE_UNAVAILABLE, description = "The sign-out could not be recorded (the cookie is cleared)", body = crate::server::ErrorBody),
    ))]
pub async fn logout(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    state.core.cookie.require_same_origin(req.headers())?;
    // The cookie is the access token: revoke it until it expires, so a copy of it (another
    // tab, a stolen cookie) stops working now, as a cookie and as a bearer token.
    let verifier = &state.core.verifier;
    if let Some(token) = state.core.cookie.read(req.headers())
        && let Ok(principal) = verifier.verify(token).await
        && let Some(revocations) = verifier.revocations()
        && let Err(err) = revocations.revoke(&hash(token), principal.expires_at()).await
    {
        // The browser's cookie is cleared all the same; the person is told it did not end.
        let mut response = err.into_response();
        response.headers_mut().insert(header::SET_COOKIE, state.core.cookie.clear());
        return Ok(response);
    }
    // With Auth0, end Auth0's session too, or "sign in" would silently sign the same person in.
    let to = match &state.core.auth0 {
        Some(auth0) => auth0.logout_url(),
        None => "/login".to_owned(),
    };
    let mut response = redirect(&to);
    response.headers_mut().insert(header::SET_COOKIE, state.core.cookie.clear());
    Ok(response)
}
