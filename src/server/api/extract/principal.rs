//! `Principal` and `Writer` as axum extractors: a REST handler that takes one only runs for a
//! verified caller.

use axum::{extract::FromRequestParts, http::request::Parts};

use crate::server::api::state::AppState;
use crate::server::{
    ApiError,
    auth::{
        Principal, Writer,
        bearer::{bearer_token, bearer_writer},
        web_session::{authenticate_reader, authenticate_writer},
    },
};

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts)?;
        state.core.verifier.verify(token).await
    }
}

/// The caller of a read that a browser makes on its own (an `<img>`): a bearer token, or
/// the web app's session cookie.
pub struct BrowserReader(pub Principal);

impl FromRequestParts<AppState> for BrowserReader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let core = &state.core;
        Ok(BrowserReader(authenticate_reader(&core.verifier, &core.cookie, parts).await?))
    }
}

/// The caller of a list read: a bearer token, as every REST read takes, or, for a CSV
/// download (a link a person clicks in the web app), also the session cookie.
pub struct ListReader(pub Principal);

impl FromRequestParts<AppState> for ListReader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let format = super::format::Format::requested(&parts.uri, &parts.headers)?;
        if matches!(format, super::format::Format::Csv { .. }) {
            return Ok(ListReader(BrowserReader::from_request_parts(parts, state).await?.0));
        }
        Ok(ListReader(Principal::from_request_parts(parts, state).await?))
    }
}

/// The caller of a write the web app makes with a plain form (a file upload): a bearer token,
/// or the session cookie on a request from this site only.
pub struct BrowserWriter(pub Writer);

impl FromRequestParts<AppState> for BrowserWriter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let core = &state.core;
        let who = authenticate_writer(&core.verifier, &core.cookie, parts).await?;
        Ok(BrowserWriter(core.admit_write(who)?))
    }
}

/// The caller of a REST write: the API takes bearer tokens only, never the cookie.
impl FromRequestParts<AppState> for Writer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        state.core.admit_write(bearer_writer(&state.core.verifier, parts).await?)
    }
}
