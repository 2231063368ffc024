//! One log line per request, in a span that carries what the request's other log lines need:
//! a request id (the client's `X-Request-Id` when it sends a sane one, else a new one; sent
//! back in the response), the method, the route template, and, once authenticated, the
//! caller's `sub` (recorded by `auth::Verifier::verify`). Never a header's value, a token, a
//! cookie or a body.

use std::time::Duration;

use axum::{
    extract::{MatchedPath, Request},
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use tracing::{Instrument, field::Empty};

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request's span and its closing line (`request done`: status and latency in ms).
pub async fn request_log(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(is_id_byte))
        .map_or_else(new_id, str::to_owned);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |path| path.as_str())
        .to_owned();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        route = %route,
        sub = Empty,
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        request.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    let started = std::time::Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let latency = started.elapsed();
    span.in_scope(|| done(response.status().as_u16(), latency));
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    response
}

fn done(status: u16, latency: Duration) {
    let latency_ms = latency.as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::warn!(target: "access", status, latency_ms, "request done");
    } else {
        tracing::info!(target: "access", status, latency_ms, "request done");
    }
}

fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')
}

fn new_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    // Unique per process and start: the start instant's nanoseconds, then a counter.
    static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let start = *START.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    format!("{:x}-{:x}", start & 0xffff_ffff_ffff, NEXT.fetch_add(1, Ordering::Relaxed))
}
