//! How large a request body may be: `BODY_LIMIT_BYTES` for everything, except a picture upload
//! (`PICTURE_MAX_BYTES`, plus room for a form's framing). Chosen per request here, once: a
//! route-level layer would run after a router-wide limit had already refused the upload.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::server::{ApiError, api::extract::body::BodyLimit};

/// A multipart form's boundaries and part headers around the file.
const FORM_FRAMING: usize = 16 * 1024;

#[derive(Clone, Copy, Debug)]
pub struct BodyLimits {
    /// Every request but a picture upload.
    pub default: usize,
    /// The largest picture accepted.
    pub picture: usize,
}

/// Refuses a body declared larger than its limit at once (413), and cuts off one that grows
/// past it while it is read.
pub async fn limit_bodies(
    State(limits): State<BodyLimits>,
    mut req: Request,
    next: Next,
) -> Response {
    let limit = match is_picture_upload(req.method(), req.uri().path()) {
        true => limits.picture + FORM_FRAMING,
        false => limits.default,
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return ApiError::PayloadTooLarge { limit }.into_response();
    }
    req.extensions_mut().insert(BodyLimit(limit));
    let req = req.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(req).await
}

/// `PUT` or `POST` on `/actors/{id}/photo` or `/movies/{id}/poster` (paths already normalized).
fn is_picture_upload(method: &Method, path: &str) -> bool {
    if method != Method::PUT && method != Method::POST {
        return false;
    }
    let mut parts = path.trim_start_matches('/').split('/');
    let shape = (parts.next(), parts.next(), parts.next(), parts.next());
    let id_ok = |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
    matches!(shape, (Some("actors"), Some(id), Some("photo"), None) if id_ok(id))
        || matches!(shape, (Some("movies"), Some(id), Some("poster"), None) if id_ok(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_picture_uploads_get_the_larger_limit() {
        assert!(is_picture_upload(&Method::PUT, "/actors/12/photo"));
        assert!(is_picture_upload(&Method::POST, "/movies/3/poster"));
        assert!(!is_picture_upload(&Method::GET, "/actors/12/photo"));
        assert!(!is_picture_upload(&Method::PUT, "/actors/12/poster"));
        assert!(!is_picture_upload(&Method::PUT, "/actors/x/photo"));
        assert!(!is_picture_upload(&Method::POST, "/actors"));
        assert!(!is_picture_upload(&Method::POST, "/api/actors/create"));
        assert!(!is_picture_upload(&Method::PUT, "/actors/1/photo/more"));
    }
}
