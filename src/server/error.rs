//! The one error type of the server. Every failure a client can see is one of these, and every
//! one renders as the same JSON shape:
//! `{"success":false,"error":<status>,"message":"...","code":"..."}` (+ `"field"` for 422).

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use crate::model::Permission;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read at all (malformed JSON, say).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },

    /// 401: no usable credentials. Renders a `WWW-Authenticate: Bearer` challenge.
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },

    /// 403: a valid caller without the permission the operation needs.
    #[error("missing permission `{0}`")]
    Forbidden(Permission),

    /// 403 for a refused request rather than a missing permission (a cross-site write).
    #[error("{message}")]
    Refused { code: &'static str, message: String },

    /// 404.
    #[error("{0}")]
    NotFound(String),

    /// 421: a `Host` this server does not answer for (DNS rebinding; see `api::edge::hosts`).
    #[error("this server does not answer for that host name")]
    MisdirectedRequest,

    /// 405.
    #[error("method not allowed")]
    MethodNotAllowed,

    /// 412: a conditional write (`If-Match`, or a web form's version) on a row that has changed
    /// since; carries the row as it is now. Nothing was written.
    #[error("{message}")]
    PreconditionFailed { message: String, current: Box<serde_json::Value> },

    /// 413.
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },

    /// 415.
    #[error("request body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,

    /// 415 for a picture upload: neither an image body nor a multipart form.
    #[error(
        "send the image as the body (Content-Type image/jpeg, image/png or image/webp) or as the `file` field of a multipart/form-data form"
    )]
    UnsupportedUpload,

    /// 415 for a spreadsheet import: neither CSV nor a multipart form.
    #[error(
        "send the spreadsheet as the body (Content-Type: text/csv) or as the `file` field of a multipart/form-data form"
    )]
    UnsupportedSheet,

    /// 422: well-formed but invalid; names the offending field.
    #[error("{field}: {message}")]
    Validation { field: String, code: &'static str, message: String },

    /// 429: a rate limit (sign-in attempts per address, writes per caller) was reached;
    /// `Retry-After` says in how many seconds one more is let through.
    #[error("too many requests; try again in {retry_after} s")]
    RateLimited { retry_after: u64 },

    /// 503: a bounded resource (event streams, say) is all in use, or the server is shutting
    /// down; `Retry-After` says when to try again.
    #[error("{message}")]
    Saturated { code: &'static str, message: String },

    /// 503: the database cannot be reached right now. The cause is logged, never sent.
    #[error("the database is unavailable")]
    Unavailable(#[source] Option<sqlx::Error>),

    /// 500: a bug or an unexpected failure. The cause is logged, never sent.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest { code, message: message.into() }
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Unauthorized { code, message: message.into() }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation { field: field.into(), code: "invalid_field", message: message.into() }
    }

    pub fn validation(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        ApiError::Validation { field: field.into(), code, message: message.into() }
    }

    pub fn internal(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ApiError::Internal(err.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Refused { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MisdirectedRequest => StatusCode::MISDIRECTED_REQUEST,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType
            | ApiError::UnsupportedUpload
            | ApiError::UnsupportedSheet => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Saturated { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable code clients can switch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. }
            | ApiError::Unauthorized { code, .. }
            | ApiError::Refused { code, .. }
            | ApiError::Validation { code, .. } => code,
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MisdirectedRequest => "unknown_host",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::PreconditionFailed { .. } => "precondition_failed",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType
            | ApiError::UnsupportedUpload
            | ApiError::UnsupportedSheet => "unsupported_media_type",
            ApiError::Saturated { code, .. } => code,
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Unavailable(_) => "database_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }

    /// The human-readable message. Internal causes never appear in it.
    pub fn message(&self) -> String {
        match self {
            ApiError::Validation { message, .. } => message.clone(),
            ApiError::Unavailable(_) => "the database is unavailable; try again shortly".to_owned(),
            ApiError::Internal(_) => "internal server error".to_owned(),
            other => other.to_string(),
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The record as it is now, for a 412.
    pub fn current(&self) -> Option<&serde_json::Value> {
        match self {
            ApiError::PreconditionFailed { current, .. } => Some(current),
            _ => None,
        }
    }

    pub(crate) fn log(&self) {
        match self {
            ApiError::Internal(cause) => tracing::error!(error = %cause, ?cause, "internal error"),
            ApiError::Unavailable(Some(cause)) => {
                tracing::warn!(error = %cause, "database unavailable")
            }
            _ => {}
        }
    }
}

/// How long a client refused for a saturated resource ([`ApiError::Saturated`]: every event
/// stream slot taken, say) is asked to wait (`Retry-After`).
pub const SATURATED_RETRY_AFTER_SECS: u64 = 10;

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        if crate::server::db::is_unavailable(&err) {
            if matches!(err, sqlx::Error::PoolTimedOut) {
                metrics::counter!(crate::server::metrics::DB_ACQUIRE_TIMEOUTS).increment(1);
            }
            ApiError::Unavailable(Some(err))
        } else {
            ApiError::Internal(Box::new(err))
        }
    }
}

impl From<crate::server::db::Unavailable> for ApiError {
    fn from(_: crate::server::db::Unavailable) -> Self {
        ApiError::Unavailable(None)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let body = ErrorBody {
            success: false,
            error: status.as_u16(),
            message: self.message(),
            code: self.code(),
            field: self.field().map(str::to_owned),
            current: self.current().cloned(),
        };
        let mut response = (status, Json(body)).into_response();
        if let ApiError::Unauthorized { code, .. } = &self {
            // RFC 6750: tell the client which scheme to use, and why the token failed.
            let challenge = if *code == "authorization_header_missing" {
                "Bearer".to_owned()
            } else {
                format!("Bearer error=\"invalid_token\", error_description=\"{code}\"")
            };
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
            }
        }
        match &self {
            ApiError::Unavailable(_) => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            ApiError::RateLimited { retry_after } => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            ApiError::Saturated { .. } => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(SATURATED_RETRY_AFTER_SECS));
            }
            _ => {}
        }
        response
    }
}

/// The body of every error response (also the schema the OpenAPI document gives for them).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Always `false`.
    success: bool,
    /// The HTTP status again, as the seed APIs did.
    #[schema(example = 422)]
    error: u16,
    /// For people; may change wording.
    #[schema(example = "age must be a whole number from 0 to 150")]
    message: String,
    /// For programs: stable, snake_case.
    #[schema(example = "out_of_range")]
    code: &'static str,
    /// The offending field or parameter (422 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "age")]
    field: Option<String>,
    /// The record as it is now (412 only): what a conditional write lost against.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    current: Option<serde_json::Value>,
}

pub type ApiResult<T> = Result<T, ApiError>;
