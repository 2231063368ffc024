//! Auth0 sign-in routes for the web app; mounted only when Auth0 and a client id are
//! configured. See `auth::oidc` for the flow.

use axum::{
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use crate::server::{
    ApiError,
    api::state::AppState,
    auth::{
        oidc::{FLOW_TTL, Flow, flow_cookie_name},
        web_session::read_cookie,
    },
};

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

fn flow_cookie(value: &str, max_age: u64, secure: bool) -> HeaderValue {
    let name = flow_cookie_name(secure);
    let attributes = if secure { "Path=/; Secure" } else { "Path=/auth" };
    HeaderValue::from_str(&format!(
        "{name}={value}; {attributes}; HttpOnly; SameSite=Lax; Max-Age={max_age}"
    ))
    .expect("base64url text is a valid cookie value")
}

/// Web app: sign in with Auth0
///
/// Starts the authorization-code flow with PKCE (Auth0 mode only).
#[utoipa::path(get, path = "/auth/login", tag = "web sign-in", operation_id = "auth0_login",
    responses((status = SEE_OTHER, description = "To Auth0's authorize endpoint")))]
pub async fn login(State(state): State<AppState>) -> Result<Response, ApiError> {
    let auth0 = state.core.auth0.as_ref().ok_or_else(|| ApiError::NotFound("not found".into()))?;
    let flow = Flow::new();
    let mut response = redirect(&auth0.authorize_url(&flow));
    let cookie = flow_cookie(&flow.to_cookie_value(), FLOW_TTL.as_secs(), state.core.cookie.secure);
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Web app: back from Auth0
///
/// Checks the state, exchanges the code and verifies the token like a bearer token. Failures
/// send the person to the sign-in page with a reason it can show; details go to the log.
#[utoipa::path(get, path = "/auth/callback", tag = "web sign-in", operation_id = "auth0_callback",
    params(Callback),
    responses((status = SEE_OTHER, description = "Signed in (to `/`), or to `/login?error=...`")))]
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Callback>,
) -> Result<Response, ApiError> {
    let auth0 = state.core.auth0.as_ref().ok_or_else(|| ApiError::NotFound("not found".into()))?;
    let secure = state.core.cookie.secure;
    let fail = |reason: &str| {
        let mut response = redirect(&format!("/login?error={reason}"));
        response.headers_mut().insert(header::SET_COOKIE, flow_cookie("", 0, secure));
        response
    };
    if let Some(error) = &query.error {
        tracing::info!(%error, "Auth0 sign-in was not completed");
        return Ok(fail("denied"));
    }
    let flow = read_cookie(&headers, flow_cookie_name(secure)).and_then(Flow::from_cookie_value);
    let (Some(flow), Some(code), Some(returned)) = (flow, query.code, query.state) else {
        return Ok(fail("expired"));
    };
    if !flow.state_matches(&returned) {
        tracing::warn!("Auth0 callback with a state that does not match this browser's sign-in");
        return Ok(fail("state"));
    }
    // A state is good for one callback, on whichever server it lands: a replayed callback
    // (a copied URL with its cookie) is refused even before the code would be.
    if let Some(revocations) = state.core.verifier.revocations()
        && !revocations.use_once(&flow.state, FLOW_TTL).await?
    {
        tracing::warn!("Auth0 callback with a state that was already used");
        return Ok(fail("state"));
    }
    let token = match auth0.exchange(&code, &flow).await {
        Ok(token) => token,
        Err(_) => return Ok(fail("exchange")),
    };
    // The very same verification as a bearer token on the API.
    let principal = match state.core.verifier.verify(&token).await {
        Ok(principal) => principal,
        Err(err) => {
            tracing::warn!(error = %err, "Auth0 issued a token this API does not accept");
            return Ok(fail("token"));
        }
    };
    tracing::info!(subject = principal.subject(), "signed in through Auth0");
    let lifetime = principal.expires_in();
    let mut response = redirect("/");
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, state.core.cookie.set(&token, lifetime));
    headers.append(header::SET_COOKIE, flow_cookie("", 0, secure));
    Ok(response)
}
