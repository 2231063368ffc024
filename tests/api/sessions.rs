//! Sessions that really end, sign-in states used once, the scheme in the origin check, and the
//! host names a local-mode server answers for (DNS rebinding).

use std::time::{Duration, Instant};

use casting_agency::model::Role;
use reqwest::{Method, header};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{
    support::{Options, TestApp, TestDb, expect_error, now},
    web::{cookie_pair, local_session, no_redirects, server_fn},
};

crate::on_both_databases!(
    signing_out_revokes_the_session_everywhere,
    an_oauth_state_is_used_once,
    local_mode_answers_only_its_own_host_names,
);

async fn logout(app: &TestApp, cookie: &str) -> reqwest::Response {
    no_redirects()
        .post(app.url("/auth/logout"))
        .header(header::COOKIE, cookie)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap()
}

/// The cookie is the access token: a copy taken before sign-out must stop working, as a
/// cookie and as a bearer token, on this server and (PostgreSQL) on another sharing the
/// database.
async fn signing_out_revokes_the_session_everywhere(db: TestDb) {
    let local = TestApp::start(db, Options { local: true, ..Options::default() }).await;
    let session = local_session(&local, "producer").await;
    let copied = session.clone();
    let token = session.split_once('=').unwrap().1.to_owned();
    let origin = format!("http://{}", local.addr);
    let create = |name: &'static str| {
        let form = [("name", name), ("age", "3"), ("gender", "f")];
        let (local, copied, origin) = (&local, copied.clone(), origin.clone());
        async move { server_fn(local, "/api/actors/create", &copied, &origin, &form).await }
    };
    assert_eq!(create("A").await.status(), 200, "the session works before sign-out");

    let res = logout(&local, &session).await;
    assert_eq!(res.status(), 303);
    assert_eq!(cookie_pair(&res, "casting_session").as_deref(), Some("casting_session="));

    assert_eq!(create("B").await.status(), 401, "a copied cookie no longer writes");
    let res = local.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
    expect_error(res, 401, "token_revoked").await;

    // Another server on the same PostgreSQL database learns of the sign-out within a second
    // or so. (Auth0 mode: both trust the same issuer, so the same token is valid on both.)
    if local.db.is_postgres() {
        let sharing = || {
            let options = Options { database_url: Some(local.db.url()), ..Options::default() };
            TestApp::start(TestDb::sqlite(), options)
        };
        let (first, second) = (sharing().await, sharing().await);
        let token = first.token(Role::Director);
        let res = second.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let res = logout(&first, &format!("casting_session={token}")).await;
        assert_eq!(res.status(), 303);
        let started = Instant::now();
        loop {
            let res = second.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
            if res.status() == 401 {
                expect_error(res, 401, "token_revoked").await;
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "the other server still accepts it"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Another token of the same person is not affected.
        let mut claims = first.claims(Role::Director);
        claims["jti"] = json!("another");
        let res = second.request(Method::GET, "/actors", Some(&first.key.sign(&claims))).send();
        assert_eq!(res.await.unwrap().status(), 200);
    }
}

/// A callback URL replayed with its flow cookie (and a code that would still be redeemed) is
/// refused: the state was used.
async fn an_oauth_state_is_used_once(db: TestDb) {
    let app = TestApp::start(db, Options { fake_issuer: true, ..Options::default() }).await;
    let http = no_redirects();
    let res = http.get(app.url("/auth/login")).send().await.unwrap();
    let location = reqwest::Url::parse(res.headers()[header::LOCATION].to_str().unwrap()).unwrap();
    let param = |key: &str| location.query_pairs().find(|(k, _)| k == key).unwrap().1.into_owned();
    let (state, challenge) = (param("state"), param("code_challenge"));
    let flow = cookie_pair(&res, "casting_oauth").unwrap();
    let token = app.key.sign(&json!({
        "iss": app.jwks.base, "sub": "auth0|x", "aud": crate::support::AUDIENCE,
        "exp": now() + 600, "permissions": ["get:actors"],
    }));
    let callback = |code: &str| {
        app.jwks.issue_code(code, &challenge, token.clone());
        http.get(app.url(&format!("/auth/callback?code={code}&state={state}")))
            .header(header::COOKIE, &flow)
            .send()
    };
    let first = callback("first").await.unwrap();
    assert_eq!(first.headers()[header::LOCATION], "/");
    let replay = callback("second").await.unwrap();
    assert_eq!(replay.headers()[header::LOCATION], "/login?error=state");
    assert!(cookie_pair(&replay, "casting_session").is_none());
}

/// A raw HTTP/1.1 request with the given Host header; the status code of the answer.
async fn status_for_host(app: &TestApp, host: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer[9..12].parse().unwrap()
}

/// DNS rebinding: a page on `evil.example`, resolved to 127.0.0.1, must not reach a local
/// server (which hands out producer tokens).
async fn local_mode_answers_only_its_own_host_names(db: TestDb) {
    let local = TestApp::start(db, Options { local: true, ..Options::default() }).await;
    let port = local.addr.port();
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), "[::1]".into()] {
        assert_eq!(status_for_host(&local, &host).await, 200, "{host}");
    }
    for host in [format!("evil.example:{port}"), "127.0.0.1.nip.io".into()] {
        assert_eq!(status_for_host(&local, &host).await, 421, "{host}");
    }
    let res = local
        .client
        .post(local.url("/auth/dev-token"))
        .header(header::HOST, "evil.example")
        .json(&json!({"role": "producer"}))
        .send()
        .await
        .unwrap();
    expect_error(res, 421, "unknown_host").await;
    // With Auth0, every request needs a real token anyway: any host is served.
    let auth0 = TestApp::start(TestDb::sqlite(), Options::default()).await;
    assert_eq!(status_for_host(&auth0, "casting.example").await, 200);
}

/// Without APP_BASE_URL, the origin of a cookie write must match scheme and host:
/// `https://127.0.0.1:port` is another origin than the `http://` server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_origin_check_counts_the_scheme() {
    let app = TestApp::start(TestDb::sqlite(), Options { local: true, ..Options::default() }).await;
    let session = local_session(&app, "producer").await;
    let form = [("name", "A"), ("age", "3"), ("gender", "f")];
    let https = format!("https://{}", app.addr);
    let res = server_fn(&app, "/api/actors/create", &session, &https, &form).await;
    assert_eq!(res.status(), 403);
    let http = format!("http://{}", app.addr);
    let res = server_fn(&app, "/api/actors/create", &session, &http, &form).await;
    assert_eq!(res.status(), 200);
}
