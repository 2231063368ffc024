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
    auth::oidc::{FLOW_COOKIE, FLOW_TTL, Flow},
    startup::AppState,
};

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

fn flow_cookie(value: &str, max_age: u64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{FLOW_COOKIE}={value}; Path=/auth; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("base64url text is a valid cookie value")
}

fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// `GET /auth/login`: off to Auth0.
pub async fn login(State(state): State<AppState>) -> Result<Response, ApiError> {
    let auth0 = state
        .core
        .auth0
        .as_ref()
        .ok_or_else(|| ApiError::NotFound("not found".into()))?;
    let flow = Flow::new();
    let mut response = redirect(&auth0.authorize_url(&flow));
    let cookie = flow_cookie(
        &flow.to_cookie_value(),
        FLOW_TTL.as_secs(),
        state.core.cookie.secure,
    );
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /auth/callback`: back from Auth0. Failures send the person to the sign-in page with
/// a reason it can show; details go to the log.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Callback>,
) -> Result<Response, ApiError> {
    let auth0 = state
        .core
        .auth0
        .as_ref()
        .ok_or_else(|| ApiError::NotFound("not found".into()))?;
    let secure = state.core.cookie.secure;
    let fail = |reason: &str| {
        let mut response = redirect(&format!("/login?error={reason}"));
        response
            .headers_mut()
            .insert(header::SET_COOKIE, flow_cookie("", 0, secure));
        response
    };
    if let Some(error) = &query.error {
        tracing::info!(%error, "Auth0 sign-in was not completed");
        return Ok(fail("denied"));
    }
    let flow = read_cookie(&headers, FLOW_COOKIE).and_then(Flow::from_cookie_value);
    let (Some(flow), Some(code), Some(returned)) = (flow, query.code, query.state) else {
        return Ok(fail("expired"));
    };
    if !flow.state_matches(&returned) {
        tracing::warn!("Auth0 callback with a state that does not match this browser's sign-in");
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
    let lifetime = token_lifetime(&token).unwrap_or(3600);
    let mut response = redirect("/");
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, state.core.cookie.set(&token, lifetime));
    headers.append(header::SET_COOKIE, flow_cookie("", 0, secure));
    Ok(response)
}

/// Seconds until the (already verified) token's `exp`, so the cookie dies with the token.
fn token_lifetime(token: &str) -> Option<u64> {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let payload = token.split('.').nth(1)?;
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let exp = claims.get("exp")?.as_u64()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    exp.checked_sub(now)
}
