//! Rate limits (issue 17): sign-in requests per client address (`X-Forwarded-For` only from
//! `TRUSTED_PROXIES`) and writes per caller answer 429 with `Retry-After` and the JSON error
//! envelope past their limit; reads are never limited. Real HTTP.

use casting_agency::model::Role;
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::support::{Options, TestApp, TestDb};

async fn dev_token(app: &TestApp, forwarded_for: Option<&str>) -> Response {
    let mut request =
        app.request(Method::POST, "/auth/dev-token", None).json(&json!({"role": "assistant"}));
    if let Some(ip) = forwarded_for {
        request = request.header("X-Forwarded-For", ip);
    }
    request.send().await.unwrap()
}

async fn assert_limited(res: Response) {
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (&body["success"], &body["error"], &body["code"]),
        (&json!(false), &json!(429), &json!("rate_limited"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_limited_per_address_and_a_strangers_forwarded_for_is_ignored() {
    let options = Options { local: true, rate_limits: Some((3, 0)), ..Options::default() };
    let app = TestApp::start(TestDb::sqlite(), options).await;
    // A client that names a new address each time is still counted under its own.
    for i in 0..3 {
        assert_eq!(dev_token(&app, Some(&format!("198.51.100.{i}"))).await.status(), 200);
    }
    assert_limited(dev_token(&app, Some("198.51.100.99")).await).await;
    // Only the sign-in routes: the API still answers.
    assert_eq!(app.request(Method::GET, "/healthz", None).send().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let options = Options {
        local: true,
        rate_limits: Some((2, 0)),
        trusted_proxies: Some("127.0.0.0/8".into()),
        ..Options::default()
    };
    let app = TestApp::start(TestDb::sqlite(), options).await;
    for _ in 0..2 {
        assert_eq!(dev_token(&app, Some("203.0.113.5")).await.status(), 200);
    }
    assert_limited(dev_token(&app, Some("203.0.113.5")).await).await;
    // A client that prepends an address of its choosing is counted under the one our proxy saw.
    assert_limited(dev_token(&app, Some("192.0.2.77, 203.0.113.5")).await).await;
    assert_eq!(dev_token(&app, Some("203.0.113.6")).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_are_limited_per_caller_and_reads_never() {
    let options = Options { rate_limits: Some((0, 2)), ..Options::default() };
    let app = TestApp::start(TestDb::sqlite(), options).await;
    let actor = |name: &str| json!({"name": name, "age": 30, "gender": "f"});
    for i in 0..2 {
        let res = app
            .send_json(Method::POST, "/actors", Role::Director, actor(&format!("Limited {i}")))
            .await;
        assert_eq!(res.status(), 200);
    }
    assert_limited(
        app.send_json(Method::POST, "/actors", Role::Director, actor("One too many")).await,
    )
    .await;
    // Nothing was written by the refused request.
    let listed: Value = app.get("/actors", Role::Assistant).await.json().await.unwrap();
    assert_eq!(listed["all_actors"], 2);
    // Another caller has their own allowance; reads are not counted.
    let res = app.send_json(Method::POST, "/actors", Role::Producer, actor("Someone else")).await;
    assert_eq!(res.status(), 200);
    for _ in 0..20 {
        assert_eq!(app.get("/actors", Role::Director).await.status(), 200);
    }
}
