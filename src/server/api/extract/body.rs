//! Reading a JSON request body: 413 over the size limit, 415 when it is not JSON, 400 when it
//! does not parse, 422 (naming the field) when it parses but does not fit.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{HeaderMap, StatusCode, header},
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::{
    model::{ActorPatch, CastingInput, MoviePatch, NewActor, NewMovie},
    server::{ApiError, service::Input},
};

/// A request body not yet decoded; decoding happens in the service after the permission check
/// (see [`Input`]). Size is checked on extraction (`DefaultBodyLimit`).
pub struct JsonBody {
    is_json: bool,
    bytes: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = is_json_content_type(req.headers());
        let limit = req.extensions().get::<BodyLimit>().map(|l| l.0).unwrap_or(64 * 1024);
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { limit }
            } else {
                ApiError::bad_request("unreadable_body", "the request body could not be read")
            }
        })?;
        Ok(JsonBody { is_json, bytes })
    }
}

impl JsonBody {
    /// No body at all (only whitespace, or JSON `null`): for requests whose body is optional.
    pub fn is_empty(&self) -> bool {
        let text = self.bytes.trim_ascii();
        text.is_empty() || text == b"null"
    }
}

/// The configured body limit, made known to error messages (set by the router).
#[derive(Clone, Copy, Debug)]
pub struct BodyLimit(pub usize);

fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mime = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// The fields a body may carry and those it must carry.
pub trait BodyFields {
    const ALLOWED: &'static [&'static str];
    const REQUIRED: &'static [&'static str];
    /// The fields for which `null` means something (a movie not yet scheduled).
    const NULLABLE: &'static [&'static str] = &[];
}

impl BodyFields for NewActor {
    const ALLOWED: &'static [&'static str] = &["name", "age", "gender"];
    const REQUIRED: &'static [&'static str] = &["name", "age", "gender"];
}
impl BodyFields for ActorPatch {
    const ALLOWED: &'static [&'static str] = &["name", "age", "gender"];
    const REQUIRED: &'static [&'static str] = &[];
}
impl BodyFields for NewMovie {
    const ALLOWED: &'static [&'static str] = &["title", "release_date"];
    const REQUIRED: &'static [&'static str] = &["title"];
    const NULLABLE: &'static [&'static str] = &["release_date"];
}
impl BodyFields for CastingInput {
    const ALLOWED: &'static [&'static str] = &["character"];
    const REQUIRED: &'static [&'static str] = &[];
}
impl BodyFields for crate::model::spreadsheet::BulkIds {
    const ALLOWED: &'static [&'static str] = &["ids", "versions"];
    const REQUIRED: &'static [&'static str] = &["ids"];
}
impl BodyFields for MoviePatch {
    const ALLOWED: &'static [&'static str] = &["title", "release_date"];
    const REQUIRED: &'static [&'static str] = &[];
    const NULLABLE: &'static [&'static str] = &["release_date"];
}

impl<T: DeserializeOwned + BodyFields> Input<T> for JsonBody {
    fn into_input(self) -> Result<T, ApiError> {
        if !self.is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        if self.bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request(
                "empty_body",
                "the request body is empty; send a JSON object",
            ));
        }
        // serde_json bounds nesting depth (128), so deeply nested input is a 400, not a crash.
        let value: Value = serde_json::from_slice(&self.bytes).map_err(|e| {
            ApiError::bad_request(
                "malformed_json",
                format!(
                    "the request body is not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let Value::Object(map) = value else {
            return Err(ApiError::validation(
                "body",
                "invalid_body",
                "the request body must be a JSON object",
            ));
        };
        check_fields::<T>(&map)?;
        let map: Map<String, Value> = map.into_iter().map(|(k, v)| (k, integral(v))).collect();
        let wrong_type = |field: &str| map.get(field).map(|v| (expected(field), describe(v)));
        serde_path_to_error::deserialize(Value::Object(map.clone())).map_err(|e| {
            let field = e.path().to_string();
            let message = match wrong_type(&field) {
                // serde's own words (`invalid type: string "30", expected i64`) are Rust's.
                Some((Some(expected), given))
                    if e.inner().to_string().starts_with("invalid type") =>
                {
                    format!("{field} must be {expected}, not {given}")
                }
                _ => format!("{field}: {}", e.inner()),
            };
            ApiError::invalid(field, message)
        })
    }
}

/// What a body field holds, in words, for the message about a value of the wrong type.
fn expected(field: &str) -> Option<&'static str> {
    Some(match field {
        "age" => "a whole number (such as 36)",
        "name" | "gender" | "title" | "character" => "text (a JSON string)",
        "release_date" => "a date as text (such as \"2024-12-23\")",
        _ => return None,
    })
}

/// A JSON value as a person would name it: `text ("30")`, `30.5`, `true`, `a list`.
fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("text ({})", Value::String(s.chars().take(40).collect())),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
        Value::Null => "null".to_owned(),
    }
}

/// `42.0` is the integer 42 in JSON (and in JSON Schema), so a whole-number float is accepted
/// where an integer is expected; `42.5` still fails to decode.
fn integral(value: Value) -> Value {
    match value.as_f64() {
        Some(f) if !value.is_i64() && f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
        _ => value,
    }
}

fn check_fields<T: BodyFields>(map: &Map<String, Value>) -> Result<(), ApiError> {
    for (key, value) in map {
        if key == "id" {
            return Err(ApiError::validation(
                "id",
                "unknown_field",
                "`id` is assigned by the server and cannot be set",
            ));
        }
        if !T::ALLOWED.contains(&key.as_str()) {
            return Err(ApiError::validation(
                key.clone(),
                "unknown_field",
                format!("unknown field `{key}`; allowed fields: {}", T::ALLOWED.join(", ")),
            ));
        }
        if value.is_null() && !T::NULLABLE.contains(&key.as_str()) {
            return Err(ApiError::validation(
                key.clone(),
                "null_field",
                format!("{key} must not be null"),
            ));
        }
    }
    for required in T::REQUIRED {
        if !map.contains_key(*required) {
            return Err(ApiError::validation(
                *required,
                "required",
                format!("{required} is required"),
            ));
        }
    }
    Ok(())
}
