//! The bearer token of a request, for every way in (REST handlers and server functions).

use axum::http::{header, request::Parts};

use super::{Verifier, Writer};
use crate::server::ApiError;

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

/// The caller of a request that writes with a bearer token. A browser never attaches one on
/// its own, so no other site can make such a request in the caller's name.
pub async fn bearer_writer(verifier: &Verifier, parts: &Parts) -> Result<Writer, ApiError> {
    Ok(Writer(verifier.verify(bearer_token(parts)?).await?, None))
}
