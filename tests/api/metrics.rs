//! `GET /metrics` (issue 17): refused without the operator's token, counts what happened
//! (scrape, act, scrape), and on its own listener serves without a token. The recorder is one
//! per process and tests run side by side, so counts are compared as "at least what this test
//! did" and gauges (set from this app at each scrape) exactly.

use casting_agency::model::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::live::EventStream;
use crate::support::{Options, TestApp, TestDb};

const TOKEN: &str = "scraper-secret-0123456789";

async fn scrape(app: &TestApp) -> String {
    let res = app.request(Method::GET, "/metrics", Some(TOKEN)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    res.text().await.unwrap()
}

/// The value of the series whose name and labels start with `series` (`name{a="b",` …), or 0.
fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            line.starts_with(&format!("{name}{{")) || line.starts_with(&format!("{name} "))
        })
        .filter(|line| labels.iter().all(|(k, v)| line.contains(&format!("{k}=\"{v}\""))))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_the_token_and_count_requests_reads_and_streams() {
    let options = Options { metrics_token: Some(TOKEN.into()), ..Options::default() };
    let app = TestApp::start(TestDb::sqlite(), options).await;

    for token in [None, Some("wrong-secret-0123456789"), Some(&*app.token(Role::Producer))] {
        let res = app.request(Method::GET, "/metrics", token).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{token:?}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["success"], false);
    }

    let before = scrape(&app).await;
    let created = app
        .send_json(
            Method::POST,
            "/actors",
            Role::Director,
            json!({"name": "Counted", "age": 30, "gender": "f"}),
        )
        .await;
    assert_eq!(created.status(), 200);
    let id = created.json::<serde_json::Value>().await.unwrap()["created"].as_i64().unwrap();
    for _ in 0..3 {
        assert_eq!(app.get(&format!("/actors/{id}"), Role::Assistant).await.status(), 200);
    }
    assert_eq!(app.get("/actors/987654321", Role::Assistant).await.status(), 404);
    let _stream = EventStream::open(&app, &app.token(Role::Assistant), None).await;
    let after = scrape(&app).await;

    let reads = [("route", "/actors/{id}"), ("method", "GET"), ("status", "200")];
    let counted =
        |name, labels: &[(&str, &str)]| value(&after, name, labels) - value(&before, name, labels);
    assert!(counted("http_requests_total", &reads) >= 3.0, "{after}");
    assert!(counted("http_requests_total", &[("route", "/actors/{id}"), ("status", "404")]) >= 1.0);
    assert!(counted("http_requests_total", &[("route", "/actors"), ("method", "POST")]) >= 1.0);
    // Routes by template, never by raw path.
    assert!(!after.contains("/actors/987654321"));
    assert!(counted("http_request_duration_seconds_count", &[("route", "/actors/{id}")]) >= 4.0);
    // The second and third reads of the actor came from the read cache.
    assert!(counted("read_cache_hits_total", &[]) >= 2.0);
    assert!(counted("read_cache_misses_total", &[]) >= 1.0);
    assert_eq!(value(&after, "event_streams_open", &[]), 1.0);
    assert!(value(&after, "db_pool_connections", &[]) >= 1.0);
    assert!(after.contains("# TYPE http_request_duration_seconds histogram"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_are_counted_by_name_and_unknown_names_share_one_label() {
    let options = Options { metrics_token: Some(TOKEN.into()), local: true, ..Options::default() };
    let app = TestApp::start(TestDb::sqlite(), options).await;
    let before = scrape(&app).await;
    let junk = app.request(Method::POST, "/api/no_such_function_xyz", None).send().await.unwrap();
    assert_eq!(junk.status(), 404);
    let after = scrape(&app).await;
    assert!(!after.contains("no_such_function_xyz"));
    let unknown = [("name", "unknown"), ("status", "404")];
    assert!(
        value(&after, "server_function_calls_total", &unknown)
            - value(&before, "server_function_calls_total", &unknown)
            >= 1.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_token_there_is_no_metrics_route_and_a_separate_listener_needs_none() {
    let app = TestApp::start(TestDb::sqlite(), Options::default()).await;
    let res = app.request(Method::GET, "/metrics", Some(TOKEN)).send().await.unwrap();
    assert_eq!(res.status(), 404);

    // METRICS_ADDR: the router the binary serves there.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = casting_agency::server::api::metrics::listener_router(app.core.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let res = reqwest::get(format!("http://{addr}/metrics")).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("db_pool_connections"));
    let other = reqwest::get(format!("http://{addr}/actors")).await.unwrap();
    assert_eq!(other.status(), 404, "only /metrics is served there");
}
