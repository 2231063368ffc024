//! Glue between server functions and the server: who is calling, from the request Leptos is
//! handling.

use axum::http::{StatusCode, header, request::Parts};
use leptos::prelude::use_context;

use crate::{
    model::{AppError, UserInfo},
    rpc::session::SessionInfo,
    server::{
        ApiError,
        auth::{
            Principal,
            session::{Access, authenticate},
        },
        service::Service,
        startup::Core,
    },
};

/// Gives a failing server function's response the error's real status (a 422 logged as a 500
/// would mislead). Not for a form posted without JavaScript: Leptos answers that with a
/// redirect back to the page, which a status change would break.
pub fn set_error_status(status: StatusCode) {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let form_post = use_context::<Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    });
    if !form_post {
        response.set_status(status);
    }
}

fn context() -> Result<(Core, Parts), AppError> {
    let missing = || {
        AppError::from(ApiError::internal(
            "server function called without its context",
        ))
    };
    let core = use_context::<Core>().ok_or_else(missing)?;
    let parts = use_context::<Parts>().ok_or_else(missing)?;
    Ok((core, parts))
}

/// The verified caller of a server function and the service to call.
pub async fn caller(access: Access) -> Result<(Service, Principal), AppError> {
    let (core, parts) = context()?;
    let who = authenticate(&core.verifier, &core.cookie, &parts, access).await?;
    Ok((core.service.clone(), who))
}

pub async fn session_info() -> Result<SessionInfo, AppError> {
    let (core, parts) = context()?;
    let local_mode = core.local.is_some();
    let auth0_sign_in = core.auth0.is_some();
    match authenticate(&core.verifier, &core.cookie, &parts, Access::Read).await {
        Ok(who) => Ok(SessionInfo {
            user: Some(UserInfo {
                subject: who.subject().to_owned(),
                permissions: who.permissions().to_vec(),
            }),
            local_mode,
            auth0_sign_in,
            expired: false,
        }),
        Err(ApiError::Unauthorized { code, .. }) => Ok(SessionInfo {
            user: None,
            local_mode,
            auth0_sign_in,
            expired: code != "not_signed_in",
        }),
        Err(other) => Err(other.into()),
    }
}

/// A whole number typed into a form field; the error names the field.
pub fn whole_number(field: &'static str, input: &str) -> Result<i64, ApiError> {
    input
        .trim()
        .parse::<i64>()
        .map_err(|_| ApiError::invalid(field, format!("{field} must be a whole number")))
}

/// A release date from a date input (`YYYY-MM-DD`) or any other accepted form.
pub fn release_date(input: &str) -> Result<chrono::DateTime<chrono::Utc>, ApiError> {
    crate::model::dates::parse_release_date(input)
        .map_err(|message| ApiError::invalid("release_date", message))
}
