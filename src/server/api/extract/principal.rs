//! `Principal` and `Writer` as axum extractors: a REST handler that takes one only runs for a
//! verified caller.

use axum::{extract::FromRequestParts, http::request::Parts};

use crate::server::api::state::AppState;
use crate::server::{
    ApiError,
    auth::{
        Principal, Writer,
        bearer::{bearer_token, bearer_writer},
    },
};

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts)?;
        state.core.verifier.verify(token).await
    }
}

/// The caller of a REST write: the API takes bearer tokens only, never the cookie.
impl FromRequestParts<AppState> for Writer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        state.core.admit_write(bearer_writer(&state.core.verifier, parts).await?)
    }
}
