//! Local sign-in endpoints; only routed when Auth0 is not configured.

use axum::{Json, extract::State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::body::JsonBody;
use crate::{
    model::Role,
    server::{ApiError, auth::LocalIssuer, service::Input, startup::AppState},
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    role: String,
}

impl super::body::BodyFields for TokenRequest {
    const ALLOWED: &'static [&'static str] = &["role"];
    const REQUIRED: &'static [&'static str] = &["role"];
}

/// `POST /auth/dev-token {"role":"director"}` → a token for that role.
pub async fn dev_token(
    State(state): State<AppState>,
    body: JsonBody,
) -> Result<Json<Value>, ApiError> {
    let issuer = local_issuer(&state)?;
    let request: TokenRequest = body.into_input()?;
    let role = Role::parse(&request.role).ok_or_else(|| {
        ApiError::validation(
            "role",
            "invalid_field",
            "role must be one of: assistant, director, producer",
        )
    })?;
    let issued = issuer.issue(role);
    let mut body = serde_json::to_value(&issued).map_err(ApiError::internal)?;
    body["success"] = json!(true);
    Ok(Json(body))
}

/// The local key set, published like Auth0's.
pub async fn jwks(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(local_issuer(&state)?.jwks()))
}

/// The routes are only mounted in local mode; this guards against a wiring mistake.
fn local_issuer(state: &AppState) -> Result<&LocalIssuer, ApiError> {
    state
        .core
        .local
        .as_deref()
        .ok_or_else(|| ApiError::NotFound("local sign-in is not enabled".into()))
}
