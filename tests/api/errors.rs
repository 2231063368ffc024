//! Unknown paths, wrong methods and bad ids are JSON errors; browsers get pages instead.

use casting_agency::model::Role;
use reqwest::{Method, header};

use crate::support::{Options, TestApp, TestDb, expect_error, status_json};

crate::on_both_databases!(unknown_paths_methods_and_ids, browsers_get_pages_and_api_clients_json);

const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async fn unknown_paths_methods_and_ids(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    expect_error(app.client.get(app.url("/nope")).send().await.unwrap(), 404, "not_found").await;
    expect_error(app.client.post(app.url("/nope/deeper")).send().await.unwrap(), 404, "not_found")
        .await;
    expect_error(app.get("/actors/12345", Role::Assistant).await, 404, "not_found").await;
    for bad in ["abc", "0", "-1", "1.5", "99999999999999999999999", "%F0%9F%8E%AC"] {
        expect_error(app.get(&format!("/actors/{bad}"), Role::Assistant).await, 404, "not_found")
            .await;
        expect_error(app.get(&format!("/movies/{bad}"), Role::Assistant).await, 404, "not_found")
            .await;
    }

    let token = app.token(Role::Producer);
    for (method, path) in [
        (Method::PUT, "/actors"),
        (Method::DELETE, "/movies"),
        (Method::POST, "/actors/1"),
        (Method::PUT, "/"),
    ] {
        let res = app.request(method.clone(), path, Some(&token)).send().await.unwrap();
        assert!(res.headers().contains_key(header::ALLOW), "{method} {path} lacks Allow");
        expect_error(res, 405, "method_not_allowed").await;
    }
}

async fn browsers_get_pages_and_api_clients_json(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let page =
        |path: &str| app.client.get(app.url(path)).header(header::ACCEPT, BROWSER_ACCEPT).send();

    let res = page("/").await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let html = res.text().await.unwrap();
    assert_eq!(status, 200, "{headers:?} {html}");
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(headers.get_all(header::VARY).iter().any(|v| v == "accept"));
    assert!(html.contains("Casting Agency") && html.contains("/pkg/casting-agency"), "{html}");

    // A browser on an API path gets HTML without a token (the page handles sign-in).
    let res = page("/actors").await.unwrap();
    assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));

    // An unknown path is the app's own 404 page for a browser...
    let res = page("/no/such/page").await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));

    // ...and JSON for everyone else, whatever else they accept.
    for accept in
        [None, Some("*/*"), Some("application/json"), Some("application/json, text/html;q=0.5")]
    {
        let mut request = app.client.get(app.url("/actors"));
        if let Some(accept) = accept {
            request = request.header(header::ACCEPT, accept);
        }
        let res = request.send().await.unwrap();
        assert!(res.headers().get_all(header::VARY).iter().any(|v| v == "accept"));
        expect_error(res, 401, "authorization_header_missing").await;
    }
    let res = app.client.get(app.url("/")).header(header::ACCEPT, "*/*").send().await.unwrap();
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["home_route"], true);
}

/// Server-function arguments that do not decode (`id=abc`) are the client's fault: 400, with
/// the body saying the same, and for anyone (they fail before any authentication). They were
/// answered 500 and logged as errors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_server_function_arguments_are_400() {
    let app = TestApp::start(TestDb::sqlite(), Options::default()).await;
    for (path, form) in
        [("/api/actors/get", "id=abc"), ("/api/actors/get", ""), ("/api/movies/list", "page=first")]
    {
        let res = app
            .client
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(form)
            .send()
            .await
            .unwrap();
        let (status, body) = status_json(res).await;
        assert_eq!((status, body["status"].as_u64()), (400, Some(400)), "{path} {form}: {body}");
    }
    // Errors from our own code keep their status too: no session is a 401.
    let res = app
        .client
        .post(app.url("/api/actors/get"))
        .header("accept", "application/json")
        .form(&[("id", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}
