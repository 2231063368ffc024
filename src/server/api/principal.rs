//! `Principal` as an axum extractor: a REST handler that takes one only runs for a verified
//! caller.

use axum::{extract::FromRequestParts, http::request::Parts};

use super::state::AppState;
use crate::server::{
    ApiError,
    auth::{Principal, bearer::bearer_token},
};

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts)?;
        state.core.verifier.verify(token).await
    }
}
