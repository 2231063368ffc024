//! Local sign-in endpoints; only routed when Auth0 is not configured.

use axum::{Json, extract::State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::body::JsonBody;
use crate::server::{ApiError, service::Input, startup::AppState};

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
    let issuer = state.core.local_issuer()?;
    let request: TokenRequest = body.into_input()?;
    let issued = issuer.issue_named(&request.role)?;
    let mut body = serde_json::to_value(&issued).map_err(ApiError::internal)?;
    body["success"] = json!(true);
    Ok(Json(body))
}

/// The local key set, published like Auth0's.
pub async fn jwks(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.core.local_issuer()?.jwks()))
}
