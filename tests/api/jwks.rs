//! The JWKS over real HTTP: rotation, floods of unknown kids, and an issuer that is down.

use std::{sync::Arc, time::Duration};

use casting_agency::{model::Role, server::auth::signing::SigningKey};
use reqwest::Method;
use serde_json::json;

use crate::support::{Options, TestApp, TestDb, expect_error};

crate::on_both_databases!(
    rotated_key_is_accepted_after_refetch,
    unknown_kids_cannot_hammer_the_issuer,
    unreachable_jwks_at_start_up,
    a_key_dropped_from_the_set_revokes_its_remembered_tokens
);

async fn rotated_key_is_accepted_after_refetch(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    assert_eq!(app.get("/actors", Role::Assistant).await.status(), 200);
    let fetched = app.jwks.fetches();

    // The issuer rotates: a new key joins the set, and tokens start using it.
    let new_key = SigningKey::generate().unwrap();
    app.jwks.set_keys(json!({"keys": [app.key.jwk(), new_key.jwk()]}));
    let token = new_key.sign(&app.claims(Role::Assistant));
    let res = app.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
    assert_eq!(res.status(), 200, "new kid is fetched and accepted");
    assert_eq!(app.jwks.fetches(), fetched + 1);

    // Keys are cached: more requests do not refetch.
    for _ in 0..5 {
        let res = app.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
        assert_eq!(res.status(), 200);
    }
    assert_eq!(app.jwks.fetches(), fetched + 1);
}

async fn unknown_kids_cannot_hammer_the_issuer(db: TestDb) {
    let options = Options { refetch_cooldown: Duration::from_secs(60), ..Options::default() };
    let app = Arc::new(TestApp::start(db, options).await);
    let before = app.jwks.fetches();
    let claims = app.claims(Role::Producer);
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let app = app.clone();
            let token = app.key.sign_with_kid(&claims, &format!("random-kid-{i}"));
            tokio::spawn(async move {
                app.request(Method::GET, "/actors", Some(&token)).send().await.unwrap()
            })
        })
        .collect();
    for task in tasks {
        expect_error(task.await.unwrap(), 401, "invalid_header").await;
    }
    assert!(
        app.jwks.fetches() - before <= 1,
        "{} fetches for 40 unknown kids",
        app.jwks.fetches() - before
    );
    // Known keys keep working meanwhile.
    assert_eq!(app.get("/actors", Role::Assistant).await.status(), 200);
}

async fn unreachable_jwks_at_start_up(db: TestDb) {
    let options = Options { jwks_failing_at_start: true, ..Options::default() };
    let app = TestApp::start(db, options).await;
    // The server is up; tokens are refused with 401 (not 500) while keys are unknown.
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), 200);
    expect_error(app.get("/actors", Role::Assistant).await, 401, "invalid_header").await;

    app.jwks.set_failing(false);
    tokio::time::sleep(Duration::from_millis(400)).await; // past the refetch cooldown
    assert_eq!(app.get("/actors", Role::Assistant).await.status(), 200);
}

/// Verified tokens are remembered (see `auth::token_cache`), but never past their key: when the
/// issuer drops a key from its set, tokens it signed stop working even if they were seen before.
async fn a_key_dropped_from_the_set_revokes_its_remembered_tokens(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let old = app.token(Role::Assistant);
    for _ in 0..3 {
        let res = app.request(Method::GET, "/actors", Some(&old)).send().await.unwrap();
        assert_eq!(res.status(), 200);
    }
    // The issuer rotates the old key out; a token with the new kid makes the app refetch.
    let new_key = SigningKey::generate().unwrap();
    app.jwks.set_keys(json!({"keys": [new_key.jwk()]}));
    tokio::time::sleep(Duration::from_millis(400)).await; // past the refetch cooldown
    let fresh = new_key.sign(&app.claims(Role::Assistant));
    let res = app.request(Method::GET, "/actors", Some(&fresh)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = app.request(Method::GET, "/actors", Some(&old)).send().await.unwrap();
    expect_error(res, 401, "invalid_header").await;
}

/// A JWKS document over 1 MiB is not read (a 256 MB one took the server to ~880 MB for good):
/// its keys are not used, and the keys already held stay in use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_jwks_is_refused() {
    let app = TestApp::start(TestDb::sqlite(), Options::default()).await;
    let new_key = SigningKey::generate().unwrap();
    let padding = "x".repeat(2 * 1024 * 1024);
    app.jwks.set_keys(json!({"keys": [app.key.jwk(), new_key.jwk()], "padding": padding}));
    let token = new_key.sign(&app.claims(Role::Assistant));
    let res = app.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
    expect_error(res, 401, "invalid_header").await;
    assert_eq!(app.get("/actors", Role::Assistant).await.status(), 200, "old keys still work");
    // The same set without the padding is fine.
    app.jwks.set_keys(json!({"keys": [app.key.jwk(), new_key.jwk()]}));
    tokio::time::sleep(Duration::from_millis(400)).await; // past the refetch cooldown
    let res = app.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

/// Only the first 32 keys of a set are kept (each is parsed into an RSA key).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_so_many_keys_are_kept() {
    let app = TestApp::start(TestDb::sqlite(), Options::default()).await;
    let new_key = SigningKey::generate().unwrap();
    let mut keys: Vec<_> = (0..40)
        .map(|i| {
            let mut jwk = app.key.jwk();
            jwk["kid"] = json!(format!("filler-{i}"));
            jwk
        })
        .collect();
    keys.push(new_key.jwk());
    app.jwks.set_keys(json!({ "keys": keys }));
    let token = new_key.sign(&app.claims(Role::Assistant));
    let res = app.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
    expect_error(res, 401, "invalid_header").await;
}

/// With a hanging JWKS and a cooldown shorter than the fetch timeout (2 s in tests), requests
/// with unknown kids each wait at most about one fetch timeout; they queued behind one
/// another's fetches before (and some reached the 30 s request timeout).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_kids_wait_at_most_one_fetch_timeout() {
    let options = Options { refetch_cooldown: Duration::from_millis(100), ..Options::default() };
    let app = Arc::new(TestApp::start(TestDb::sqlite(), options).await);
    app.jwks.set_delay(Duration::from_secs(30));
    let claims = app.claims(Role::Producer);
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let app = app.clone();
            let token = app.key.sign_with_kid(&claims, &format!("unknown-{i}"));
            tokio::spawn(async move {
                // Spread out, so each may find the cooldown over and start a fetch of its own.
                tokio::time::sleep(Duration::from_millis(150 * i)).await;
                let started = std::time::Instant::now();
                let res = app.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
                (started.elapsed(), res)
            })
        })
        .collect();
    for task in tasks {
        let (waited, res) = task.await.unwrap();
        expect_error(res, 401, "invalid_header").await;
        assert!(waited < Duration::from_millis(2800), "an unknown kid waited {waited:?}");
    }
    // Known keys are not held up meanwhile.
    let started = std::time::Instant::now();
    assert_eq!(app.get("/actors", Role::Assistant).await.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(1));
}
