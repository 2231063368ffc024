//! Compression of what the server writes per request: pages (HTML) and JSON, as the client's
//! `Accept-Encoding` allows (brotli, else gzip; `Vary: Accept-Encoding` either way).
//!
//! Everything else is left alone: the browser bundle under `/pkg` was compressed once, at
//! build time, at the best level (`assets`); pictures are compressed formats already; and the
//! live updates' event stream must reach the browser event by event, not sit in an encoder.
//!
//! Why this is safe from compression side channels (BREACH): a page holds no secret an
//! attacker could guess byte by byte while reflecting text of their choosing into it. The
//! session travels only in an HttpOnly cookie, cookie writes are checked by origin rather
//! than by a token in the page, and the script nonce is new on every render.

use axum::http::{Extensions, HeaderMap, StatusCode, Version, header};
use tower_http::compression::{
    CompressionLayer, CompressionLevel,
    predicate::{Predicate, SizeAbove},
};

/// Below this a body fits in a packet or two, and compressing it saves nothing worth the work.
const MIN_BYTES: u16 = 1024;

/// The layer, for the whole app. Level 4 (brotli's quality 4, gzip's level 4): most of what
/// the best level saves on HTML and JSON, for a small part of its CPU time per answer.
pub fn layer() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .quality(CompressionLevel::Precise(4))
        .compress_when(SizeAbove::new(MIN_BYTES).and(is_page_or_json))
}

fn is_page_or_json(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    let Some(content_type) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("text/html")
        || essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("application/problem+json")
}
