//! Prometheus metrics (`GET /metrics`), through the `metrics` facade and
//! `metrics-exporter-prometheus`.
//!
//! What is counted where: requests (by route template, method and status) and their latency
//! in [`track_requests`], around the routes; server-function calls by name and status there
//! too; the read cache's hits and misses in the service; JWKS fetches in `auth::jwks`;
//! acquire timeouts of the database pool where they become a 503. Gauges that describe the
//! present (the pool, open event streams) are set when scraped ([`render`]). This module
//! knows no other part of the server: every layer may count into it.
//!
//! Not public by default: served on its own listener (`METRICS_ADDR`), or on the app's port
//! to a bearer `METRICS_TOKEN`, or not at all.

use std::{sync::OnceLock, time::Instant};

use axum::{
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

pub const HTTP_REQUESTS: &str = "http_requests_total";
pub const HTTP_DURATION: &str = "http_request_duration_seconds";
pub const SERVER_FN_CALLS: &str = "server_function_calls_total";
pub const READ_CACHE_HITS: &str = "read_cache_hits_total";
pub const READ_CACHE_MISSES: &str = "read_cache_misses_total";
pub const JWKS_FETCHES: &str = "jwks_fetches_total";
pub const DB_ACQUIRE_TIMEOUTS: &str = "db_pool_acquire_timeouts_total";
pub const RATE_LIMITED: &str = "rate_limited_total";

/// Latency buckets, in seconds: from a cached read (well under a millisecond) to the 30 s
/// request timeout.
const BUCKETS: &[f64] =
    &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// How often histogram samples are folded into their buckets.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The process's recorder, installed on first use. One per process: the `metrics` macros
/// write to a global recorder (tests start many apps in one process; they share it, and
/// compare counts before and after).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.to_owned()), BUCKETS)
            .expect("the buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder was installed first; /metrics stays empty");
        }
        describe();
        // Histogram samples wait in buckets until an upkeep folds them in: without it they
        // pile up between scrapes, one sample per request.
        let upkeep = handle.clone();
        let _ = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                upkeep.run_upkeep();
            }
        });
        handle
    })
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by route template, method and status"
    );
    describe_histogram!(HTTP_DURATION, metrics::Unit::Seconds, "Time to the response head");
    describe_counter!(SERVER_FN_CALLS, "Server-function calls of the web app, by name and status");
    describe_counter!(READ_CACHE_HITS, "Reads answered from the read cache");
    describe_counter!(READ_CACHE_MISSES, "Reads that went to the database");
    describe_counter!(JWKS_FETCHES, "Fetches of the issuer's key set, by outcome");
    describe_counter!(DB_ACQUIRE_TIMEOUTS, "Requests that waited too long for a pool connection");
    describe_counter!(RATE_LIMITED, "Requests refused by a rate limit, by limit");
    describe_gauge!("db_pool_connections", "Connections the pool holds open");
    describe_gauge!("db_pool_in_use", "Pool connections in use now");
    describe_gauge!("event_streams_open", "Live event streams open on this instance");
}

/// The text exposition, after setting the gauges that describe the present: the pool's
/// connections (`size`, of them `idle`) and the open event streams.
pub fn render(pool_size: u32, pool_idle: usize, event_streams: usize) -> String {
    let handle = handle();
    let (size, idle) = (f64::from(pool_size), pool_idle as f64);
    metrics::gauge!("db_pool_connections").set(size);
    metrics::gauge!("db_pool_in_use").set((size - idle).max(0.0));
    metrics::gauge!("event_streams_open").set(event_streams as f64);
    // Histograms are kept in buckets that the handle drains on upkeep.
    handle.run_upkeep();
    handle.render()
}

/// Counts each request by its route template (never the raw path: ids and junk would make a
/// series each), method and status, and times it to the response head.
pub async fn track_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let server_fn = request.uri().path().strip_prefix("/api/").map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("route", route), ("method", method), ("status", status.clone())];
    metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(HTTP_DURATION, &labels[..2]).record(started.elapsed().as_secs_f64());
    if let Some(name) = server_fn {
        // Only names the app has: an unknown one is a 404, counted under one label.
        let name = if response.status() == axum::http::StatusCode::NOT_FOUND {
            "unknown".to_owned()
        } else {
            name
        };
        metrics::counter!(SERVER_FN_CALLS, "name" => name, "status" => status).increment(1);
    }
    response
}
