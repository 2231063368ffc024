//! `GET /metrics`: Prometheus' text format. Never public by default: on the app's port only to
//! a bearer `METRICS_TOKEN` (a scraper's secret, not a user's token), or on a listener of its
//! own (`METRICS_ADDR`, for a network only the scraper reaches). Without either, not mounted.

use axum::{
    Router,
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::server::{ApiError, api::state::AppState, core::Core, metrics};

const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The exposition, with the gauges of the present read from `core`.
pub fn exposition(core: &Core) -> Response {
    let pool = core.service.db().pool();
    let streams = core.service.live().map_or(0, |live| live.open_streams());
    let text = metrics::render(pool.size(), pool.num_idle(), streams);
    ([(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))], text).into_response()
}

/// On the app's port: only with `Authorization: Bearer $METRICS_TOKEN`.
pub async fn with_token(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = state.core.metrics_token.as_deref() else {
        return ApiError::NotFound("no such route".into()).into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !same(given.as_bytes(), expected.as_bytes()) {
        return ApiError::unauthorized("invalid_token", "GET /metrics needs the METRICS_TOKEN")
            .into_response();
    }
    exposition(&state.core)
}

/// The router of the separate metrics listener (`METRICS_ADDR`): `/metrics` only, no token.
pub fn listener_router(core: Core) -> Router {
    Router::new().route("/metrics", get(move || async move { exposition(&core) }))
}

/// Compares secrets in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_compare_whole() {
        assert!(super::same(b"secret", b"secret"));
        assert!(!super::same(b"secret", b"secreT"));
        assert!(!super::same(b"secret", b"secret2"));
        assert!(!super::same(b"", b"x"));
    }
}
