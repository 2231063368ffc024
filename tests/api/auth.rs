//! Every way a bearer token can be wrong is a 401 with the right code; a valid token without
//! the permission is a 403.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use casting_agency::{model::Role, server::auth::signing::SigningKey};
use reqwest::{Method, header};
use serde_json::{Value, json};

use crate::support::{AUDIENCE, ISSUER, Options, TestApp, TestDb, expect_error, now};

crate::on_both_databases!(
    bad_tokens_are_401,
    permissions_claim_must_be_an_array_of_strings,
    audience_may_be_a_string
);

async fn get_with_header(app: &TestApp, value: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url("/actors"));
    if let Some(value) = value {
        request = request.header(header::AUTHORIZATION, value);
    }
    request.send().await.unwrap()
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn without(mut claims: Value, key: &str) -> Value {
    claims.as_object_mut().unwrap().remove(key);
    claims
}

fn unsigned(header: Value, claims: &Value) -> String {
    let h = URL_SAFE_NO_PAD.encode(header.to_string());
    let c = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{h}.{c}.")
}

async fn bad_tokens_are_401(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let good = app.claims(Role::Producer);
    let kid = app.key.kid().to_owned();

    // Header problems.
    let res = get_with_header(&app, None).await;
    assert_eq!(res.headers()[header::WWW_AUTHENTICATE], "Bearer");
    expect_error(res, 401, "authorization_header_missing").await;
    for value in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "token", ""] {
        let res = get_with_header(&app, Some(value)).await;
        assert!(res.headers().contains_key(header::WWW_AUTHENTICATE));
        expect_error(res, 401, "invalid_header").await;
    }
    expect_error(get_with_header(&app, Some("Bearer not.a.jwt")).await, 401, "invalid_header")
        .await;

    let other_key = SigningKey::generate().unwrap();
    let hs256_with_public_key = {
        // The classic key-confusion forgery: HMAC keyed with the public JWK's modulus.
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(kid.clone());
        let secret = app.key.jwk()["n"].as_str().unwrap().to_owned();
        jsonwebtoken::encode(
            &header,
            &good,
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("expired", app.key.sign(&with(good.clone(), "exp", json!(now() - 3600))), "token_expired"),
        (
            "wrong issuer",
            app.key.sign(&with(good.clone(), "iss", json!("https://evil.test/"))),
            "invalid_claims",
        ),
        (
            "wrong audience",
            app.key.sign(&with(good.clone(), "aud", json!(["https://other/api"]))),
            "invalid_claims",
        ),
        ("no exp", app.key.sign(&without(good.clone(), "exp")), "invalid_claims"),
        ("no iss", app.key.sign(&without(good.clone(), "iss")), "invalid_claims"),
        ("no aud", app.key.sign(&without(good.clone(), "aud")), "invalid_claims"),
        ("no sub", app.key.sign(&without(good.clone(), "sub")), "invalid_claims"),
        (
            "not yet valid",
            app.key.sign(&with(good.clone(), "nbf", json!(now() + 3600))),
            "invalid_claims",
        ),
        ("unknown kid", app.key.sign_with_kid(&good, "no-such-key"), "invalid_header"),
        (
            "forged with another key under our kid",
            other_key.sign_with_kid(&good, &kid),
            "invalid_signature",
        ),
        (
            "alg none",
            unsigned(json!({"alg": "none", "typ": "JWT", "kid": kid}), &good),
            "invalid_header",
        ),
        ("HS256 keyed with the public key", hs256_with_public_key, "invalid_header"),
    ];
    for (what, token, code) in cases {
        let res = get_with_header(&app, Some(&format!("Bearer {token}"))).await;
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!((status.as_u16(), body["code"].as_str()), (401, Some(code)), "{what}: {body}");
    }

    // The same good claims do work, and the scheme is case-insensitive.
    let res = get_with_header(&app, Some(&format!("bearer {}", app.key.sign(&good)))).await;
    assert_eq!(res.status(), 200);
    // Expiry within the leeway is tolerated (clock skew).
    let res = get_with_header(
        &app,
        Some(&format!("Bearer {}", app.key.sign(&with(good, "exp", json!(now() - 5))))),
    )
    .await;
    assert_eq!(res.status(), 200);
}

async fn permissions_claim_must_be_an_array_of_strings(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let base = app.claims(Role::Producer);
    for permissions in [
        None,
        Some(json!("get:actors")),
        Some(json!("get:actors post:actors get:movies")),
        Some(json!(["get:actors:extra", "GET:ACTORS", " get:actors"])),
        Some(json!(["get:actors", 7])),
        Some(json!({"get:actors": true})),
    ] {
        let claims = match &permissions {
            None => without(base.clone(), "permissions"),
            Some(p) => with(base.clone(), "permissions", p.clone()),
        };
        let res =
            app.request(Method::GET, "/actors", Some(&app.key.sign(&claims))).send().await.unwrap();
        let body = expect_error(res, 403, "forbidden").await;
        assert!(
            body["message"].as_str().unwrap().contains("get:actors"),
            "{permissions:?}: {body}"
        );
    }
}

async fn audience_may_be_a_string(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let claims = json!({
        "iss": ISSUER, "sub": "client@clients", "aud": AUDIENCE,
        "exp": now() + 60, "permissions": ["get:movies"],
    });
    let token = app.key.sign(&claims);
    let res = app.request(Method::GET, "/movies", Some(&token)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = app.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
    expect_error(res, 403, "forbidden").await;
}
