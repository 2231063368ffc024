//! Local sign-in: tokens for each role, checked by the same verifier; forged ones refused;
//! absent entirely when Auth0 is configured.

use casting_agency::{
    model::Role,
    server::auth::{
        local::{LOCAL_AUDIENCE, LOCAL_ISSUER},
        signing::SigningKey,
    },
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Options, TestApp, TestDb, expect_error, now, status_json};

crate::on_both_databases!(
    local_tokens_work_per_role,
    forged_local_tokens_are_refused,
    no_local_sign_in_with_auth0
);

async fn dev_token(app: &TestApp, role: &str) -> (u16, Value) {
    let res = app
        .client
        .post(app.url("/auth/dev-token"))
        .json(&json!({"role": role}))
        .send()
        .await
        .unwrap();
    status_json(res).await
}

fn local_options() -> Options {
    Options { local: true, ..Options::default() }
}

async fn local_tokens_work_per_role(db: TestDb) {
    let app = TestApp::start(db, local_options()).await;
    let mut tokens = Vec::new();
    for (role, can_post_movies) in
        [("assistant", false), ("Casting Director", false), ("producer", true)]
    {
        let (status, body) = dev_token(&app, role).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["token_type"], "Bearer");
        let token = body["access_token"].as_str().unwrap().to_owned();
        let res = app.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let res = app
            .request(Method::POST, "/movies", Some(&token))
            .json(&json!({"title": "Local", "release_date": "2025-05-05"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status() == 200, can_post_movies, "{role}");
        tokens.push(token);
    }
    let (status, body) = dev_token(&app, "janitor").await;
    assert_eq!((status, &body["field"]), (422, &json!("role")));

    // The key lives in the data directory: a restarted server still accepts its tokens.
    let data_dir = std::mem::replace(&mut { app }.data_dir, tempfile::tempdir().unwrap());
    let again =
        TestApp::start(TestDb::sqlite(), Options { data_dir: Some(data_dir), ..local_options() })
            .await;
    let res = again.request(Method::GET, "/movies", Some(&tokens[2])).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

async fn forged_local_tokens_are_refused(db: TestDb) {
    let app = TestApp::start(db, local_options()).await;
    let jwks: Value = app
        .client
        .get(app.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kid = jwks["keys"][0]["kid"].as_str().unwrap().to_owned();
    let claims = json!({
        "iss": LOCAL_ISSUER, "sub": "local|producer", "aud": [LOCAL_AUDIENCE],
        "exp": now() + 600, "permissions": ["get:actors", "delete:actors"],
    });
    let forged = SigningKey::generate().unwrap().sign_with_kid(&claims, &kid);
    let res = app.request(Method::GET, "/actors", Some(&forged)).send().await.unwrap();
    expect_error(res, 401, "invalid_signature").await;
    // A token from the Auth0 side (the test issuer) is not trusted in local mode either.
    expect_error(app.get("/actors", Role::Producer).await, 401, "invalid_header").await;
}

async fn no_local_sign_in_with_auth0(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let res = app
        .client
        .post(app.url("/auth/dev-token"))
        .json(&json!({"role": "producer"}))
        .send()
        .await
        .unwrap();
    expect_error(res, 404, "not_found").await;
    expect_error(
        app.client.get(app.url("/.well-known/jwks.json")).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
    // A token signed by a local key (even one in this data dir) is not trusted.
    let local = casting_agency::server::auth::LocalIssuer::load_or_create(
        app.data_dir.path(),
        std::time::Duration::from_secs(60),
    )
    .unwrap();
    let token = local.issue(Role::Producer).access_token;
    let res = app.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
    expect_error(res, 401, "invalid_header").await;
}
