//! Signing in and out of the web app. Plain HTML form posts, so they work before (and
//! without) the WASM.

use axum::{
    Form,
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use crate::server::{ApiError, startup::AppState};

#[derive(Deserialize)]
pub struct LocalLogin {
    role: String,
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// `POST /auth/local-login` (form field `role`): local mode only.
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

/// `POST /auth/logout`: forgets the session.
pub async fn logout(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    state.core.cookie.require_same_origin(req.headers())?;
    // With Auth0, end Auth0's session too, or "sign in" would silently sign the same person in.
    let to = match &state.core.auth0 {
        Some(auth0) => auth0.logout_url(),
        None => "/login".to_owned(),
    };
    let mut response = redirect(&to);
    response.headers_mut().insert(header::SET_COOKIE, state.core.cookie.clear());
    Ok(response)
}
