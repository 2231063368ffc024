//! How large a request body may be: `BODY_LIMIT_BYTES` for everything, except a picture upload
//! (`PICTURE_MAX_BYTES`) and a spreadsheet import (`IMPORT_MAX_BYTES`), each plus room for a
//! form's framing. Chosen per request here, once: a
//! route-level layer would run after a router-wide limit had already refused the upload.
//!
//! An answer given before the body was read to its end (a 413, or a 401/403 that never looked at
//! it) makes hyper drop the HTTP/1.1 connection afterwards. Unless the answer says
//! `Connection: close`, a client may already have put that connection back in its pool and its
//! next request then dies on it, so such answers say it.

use std::{
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, Version, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http_body::{Frame, SizeHint};

use crate::server::{ApiError, api::extract::body::BodyLimit};

/// A multipart form's boundaries and part headers around the file.
const FORM_FRAMING: usize = 16 * 1024;

#[derive(Clone, Copy, Debug)]
pub struct BodyLimits {
    /// Every request but a picture upload.
    pub default: usize,
    /// The largest picture accepted.
    pub picture: usize,
    /// The largest spreadsheet import (`IMPORT_MAX_BYTES`).
    pub import: usize,
}

/// Refuses a body declared larger than its limit at once (413), and cuts off one that grows
/// past it while it is read.
pub async fn limit_bodies(
    State(limits): State<BodyLimits>,
    mut req: Request,
    next: Next,
) -> Response {
    let (method, path) = (req.method(), req.uri().path());
    let limit = if is_picture_upload(method, path) {
        limits.picture + FORM_FRAMING
    } else if is_import(method, path) {
        limits.import + FORM_FRAMING
    } else {
        limits.default
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let http1 = req.version() <= Version::HTTP_11;
    if declared.is_some_and(|n| n > limit as u64) {
        let mut res = ApiError::PayloadTooLarge { limit }.into_response();
        if http1 {
            close_connection(&mut res);
        }
        return res;
    }
    req.extensions_mut().insert(BodyLimit(limit));
    // A request without a body (most GETs) has nothing left unread.
    let finished = Arc::new(AtomicBool::new(http_body::Body::is_end_stream(req.body())));
    let watched = Arc::clone(&finished);
    let req = req.map(|body| {
        Body::new(Watched { inner: http_body_util::Limited::new(body, limit), finished: watched })
    });
    let mut res = next.run(req).await;
    if http1 && !finished.load(Ordering::Acquire) {
        close_connection(&mut res);
    }
    res
}

fn close_connection(res: &mut Response) {
    res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
}

/// A request body that records whether it was read to its end (or was empty from the start).
struct Watched<B> {
    inner: B,
    finished: Arc<AtomicBool>,
}

impl<B> Watched<B> {
    fn mark_if_ended(&self, ended: bool) {
        if ended {
            self.finished.store(true, Ordering::Release);
        }
    }
}

impl<B> http_body::Body for Watched<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        let ended = matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream();
        self.mark_if_ended(ended);
        polled
    }

    fn is_end_stream(&self) -> bool {
        let ended = self.inner.is_end_stream();
        self.mark_if_ended(ended);
        ended
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// `POST /actors/import` or `POST /movies/import`.
fn is_import(method: &Method, path: &str) -> bool {
    method == Method::POST && (path == "/actors/import" || path == "/movies/import")
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
        assert!(is_import(&Method::POST, "/actors/import"));
        assert!(!is_import(&Method::PUT, "/movies/import"));
    }
}
