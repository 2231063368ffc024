//! The `{id}` path segment. Anything but a positive integer that fits in i64 cannot name a
//! row, so it is a 404 like any missing row (never a 500).

use axum::{
    extract::{FromRequestParts, Path},
    http::request::Parts,
};

use crate::server::ApiError;

pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound("no resource at this address".to_owned()))?;
        Ok(Id(parse(&raw)?))
    }
}

fn parse(raw: &str) -> Result<i64, ApiError> {
    match raw.parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(ApiError::NotFound(format!(
            "`{}` is not an id: ids are positive integers",
            raw.chars().take(40).collect::<String>()
        ))),
    }
}

/// Two ids: `/movies/{id}/actors/{actor_id}`. The same rules as [`Id`] for each.
pub struct IdPair(pub i64, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPair {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((first, second)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound("no resource at this address".to_owned()))?;
        Ok(IdPair(parse(&first)?, parse(&second)?))
    }
}
