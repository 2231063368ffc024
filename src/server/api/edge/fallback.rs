//! What answers when no route matched, and the safety net that gives every bare error
//! response (405 from the router, 413 and 408 from tower layers) the JSON error body.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::server::api::edge::negotiate::is_page_request;
use crate::server::{ApiError, api::extract::body::BodyLimit, api::state::AppState};

/// Static files from the site root (the WASM bundle, CSS, `public/`), else the app's own 404
/// page for a browser, else a JSON 404.
pub async fn not_found(State(state): State<AppState>, req: Request) -> Response {
    let (parts, _body) = req.into_parts();
    if parts.method == Method::GET || parts.method == Method::HEAD {
        let probe = Request::from_parts(parts.clone(), Body::empty());
        let site_root = state.leptos.site_root.as_ref();
        if let Ok(found) = ServeDir::new(site_root).oneshot(probe).await
            && found.status() != StatusCode::NOT_FOUND
            && found.status() != StatusCode::METHOD_NOT_ALLOWED
        {
            return found.map(Body::new);
        }
        if is_page_request(&parts.method, &parts.headers) {
            return state.pages.render(Request::from_parts(parts, Body::empty())).await;
        }
    }
    ApiError::NotFound(format!("nothing at {} {}", parts.method, parts.uri.path())).into_response()
}

/// Rewrites error responses made by axum or tower rather than by us (no body type, or plain
/// text) into the JSON error shape, keeping their status and headers (`Allow` on a 405).
/// Server-function responses (`/api/...`) are left alone: the web app decodes those itself.
pub async fn json_error_bodies(req: Request, next: Next) -> Response {
    let limit = req.extensions().get::<BodyLimit>().map(|l| l.0);
    let server_fn = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if server_fn || !plain || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let error = match status {
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge { limit: limit.unwrap_or(0) },
        StatusCode::NOT_FOUND => ApiError::NotFound("not found".to_owned()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        // The timeout layer: the server was too slow, not the client (see startup).
        StatusCode::SERVICE_UNAVAILABLE => ApiError::Unavailable(None),
        // Any other rejection by an axum extractor (a malformed form or query string): the
        // client's fault, so a 400, never a logged 500.
        s if s.is_client_error() => {
            ApiError::bad_request("bad_request", "the request could not be read")
        }
        _ => ApiError::internal(format!("bare {status} response from a layer")),
    };
    let (mut parts, _) = response.into_parts();
    let rebuilt = error.into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in rebuilt.headers() {
        parts.headers.insert(name.clone(), value.clone());
    }
    parts.status = rebuilt.status();
    Response::from_parts(parts, rebuilt.into_body())
}
