//! A spreadsheet upload: the CSV as the body (`text/csv`), or the `file` field of a
//! `multipart/form-data` form. Read here as bytes; parsed only after the permission check
//! (see [`Input`]).

use axum::{
    body::Bytes,
    extract::{FromRequest, Multipart, Request},
    http::{HeaderMap, StatusCode, header},
};

use super::body::BodyLimit;
use crate::{
    model::spreadsheet::IMPORT_MAX_ROWS,
    server::{
        ApiError,
        service::Input,
        spreadsheet::{self, Sheet},
    },
};

/// The types a CSV body may be sent as (what browsers and tools send for a `.csv` file).
const CSV_TYPES: [&str; 4] =
    ["text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"];

pub struct SheetUpload(Bytes);

impl<S: Send + Sync> FromRequest<S> for SheetUpload {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let limit = req.extensions().get::<BodyLimit>().map_or(0, |l| l.0);
        let unreadable = |status: StatusCode| match status {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge { limit },
            _ => ApiError::bad_request("unreadable_body", "the request body could not be read"),
        };
        let mime = media_type(req.headers());
        if mime == "multipart/form-data" {
            let mut form = Multipart::from_request(req, state).await.map_err(|_| {
                ApiError::bad_request("invalid_form", "the form could not be read (no boundary)")
            })?;
            while let Some(field) = form.next_field().await.map_err(|e| unreadable(e.status()))? {
                if field.name() == Some("file") {
                    return Ok(SheetUpload(
                        field.bytes().await.map_err(|e| unreadable(e.status()))?,
                    ));
                }
            }
            return Err(ApiError::validation("file", "required", "the form has no `file` field"));
        }
        if !CSV_TYPES.contains(&mime.as_str()) {
            return Err(ApiError::UnsupportedSheet);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rejection| unreadable(rejection.status()))?;
        Ok(SheetUpload(bytes))
    }
}

impl Input<Sheet> for SheetUpload {
    fn into_input(self) -> Result<Sheet, ApiError> {
        Ok(spreadsheet::read(&self.0, IMPORT_MAX_ROWS)?)
    }
}

fn media_type(headers: &HeaderMap) -> String {
    let value = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    value.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}
