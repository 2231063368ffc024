//! Local sign-in endpoints; only routed when Auth0 is not configured.

use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::server::api::extract::body::JsonBody;
use crate::server::{ApiError, api::state::AppState, auth::local::IssuedToken, service::Input};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// `assistant`, `director` or `producer` (or the full role name).
    #[schema(example = "producer", pattern = "^(assistant|director|producer)$")]
    role: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenIssued {
    success: bool,
    #[serde(flatten)]
    token: IssuedToken,
}

impl crate::server::api::extract::body::BodyFields for TokenRequest {
    const ALLOWED: &'static [&'static str] = &["role"];
    const REQUIRED: &'static [&'static str] = &["role"];
}

/// Local sign-in: a token for a role
///
/// Only when Auth0 is not configured. The token is shaped like Auth0's (RS256, `permissions`
/// claim) and checked by the same verifier.
#[utoipa::path(post, path = "/auth/dev-token", tag = "local sign-in", operation_id = "dev_token",
    request_body = TokenRequest,
    responses((status = OK, description = "An access token for the role", body = TokenIssued)))]
pub async fn dev_token(
    State(state): State<AppState>,
    body: JsonBody,
) -> Result<Json<TokenIssued>, ApiError> {
    let issuer = state.core.local_issuer()?;
    let request: TokenRequest = body.into_input()?;
    let token = issuer.issue_named(&request.role)?;
    Ok(Json(TokenIssued { success: true, token }))
}

/// Local sign-in: the public keys
///
/// The JSON Web Key Set that verifies local tokens, published like Auth0's.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "local sign-in", operation_id = "local_jwks",
    responses((status = OK, description = "A JSON Web Key Set (RFC 7517)", body = Object)))]
pub async fn jwks(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.core.local_issuer()?.jwks()))
}
