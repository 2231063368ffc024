//! The error the web app sees from server functions: the same status, code, message and field
//! as the REST API's JSON errors, never internal details.

use serde::{Deserialize, Serialize};

use super::RawJson;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppError {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// The offending input field, for validation errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The record as it is now, when a write lost a race with someone else's (412): what the
    /// person should see before deciding to re-apply their edit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<RawJson>,
    /// With a 412 from a web form: the values the person sent, so a page rendered without
    /// JavaScript can put them back into the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<RawJson>,
}

impl AppError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> AppError {
        AppError {
            status,
            code: code.to_owned(),
            message: message.into(),
            field: None,
            current: None,
            submitted: None,
        }
    }

    pub fn field_error(field: &str, code: &str, message: impl Into<String>) -> AppError {
        AppError { field: Some(field.to_owned()), ..AppError::new(422, code, message) }
    }

    /// The message for `field`, if this error is about it.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        (self.field.as_deref() == Some(field)).then_some(self.message.as_str())
    }

    /// With `values` (what the person sent) when this is a conflict, for the form to show
    /// again; other errors are left as they are.
    pub fn with_submitted(mut self, values: &impl Serialize) -> AppError {
        if self.is_conflict() {
            self.submitted = RawJson::of(values);
        }
        self
    }

    /// Someone else changed the record since the form showed it (412): `current` holds it.
    pub fn is_conflict(&self) -> bool {
        self.status == 412
    }

    pub fn is_unauthenticated(&self) -> bool {
        self.status == 401
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    /// Transport and framework failures. On the server: arguments that could not be decoded
    /// (the client's fault, 400). In the browser: no answer at all (the network), or an answer
    /// that is not ours (a proxy's 502 page, a crash): the server's fault, never the form's.
    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            E::Args(_) | E::Deserialization(_) if cfg!(feature = "ssr") => {
                AppError::new(400, "bad_request", "the form could not be read; check the values")
            }
            E::Deserialization(_) | E::Response(_) => {
                AppError::new(502, "bad_gateway", "the server's answer could not be read")
            }
            E::Request(_) => AppError::new(503, "network", "the server could not be reached"),
            _ => AppError::new(500, "internal_error", "something went wrong; try again"),
        }
    }
}
