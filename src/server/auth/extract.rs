//! `Principal` as an axum extractor: a handler that takes one only runs for a verified caller.

use axum::{extract::FromRequestParts, http::header, http::request::Parts};

use super::Principal;
use crate::server::{ApiError, startup::AppState};

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts)?;
        state.core.verifier.verify(token).await
    }
}

/// The token of an `Authorization: Bearer <token>` header.
pub fn bearer_token(parts: &Parts) -> Result<&str, ApiError> {
    let value = parts.headers.get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized(
            "authorization_header_missing",
            "an Authorization header is expected",
        )
    })?;
    let malformed = || {
        ApiError::unauthorized(
            "invalid_header",
            "the Authorization header must be `Bearer <token>`",
        )
    };
    let value = value.to_str().map_err(|_| malformed())?;
    let mut words = value.split_ascii_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(scheme), Some(token), None) if scheme.eq_ignore_ascii_case("bearer") => Ok(token),
        _ => Err(malformed()),
    }
}
