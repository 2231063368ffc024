//! Bad input: the right status, a clear JSON error naming the field, and nothing stored.

use casting_agency::model::Role;
use reqwest::{Method, header};
use serde_json::{Value, json};

use crate::support::{Options, TestApp, TestDb, expect_error, status_json};

crate::on_both_databases!(
    invalid_actors_are_refused,
    invalid_movies_are_refused,
    unreadable_bodies_are_refused
);

async fn check(app: &TestApp, method: Method, path: &str, body: Value, field: &str) {
    let res = app.send_json(method.clone(), path, Role::Producer, body.clone()).await;
    let (status, error) = status_json(res).await;
    assert_eq!(status, 422, "{method} {path} {body} → {error}");
    assert_eq!(error["field"], field, "{method} {path} {body} → {error}");
    assert_eq!(error["success"], false);
}

async fn invalid_actors_are_refused(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let ok = json!({"name": "Ann", "age": 30, "gender": "female"});
    let with = |key: &str, value: Value| {
        let mut body = ok.clone();
        body[key] = value;
        body
    };
    let cases = [
        (json!({"age": 30, "gender": "female"}), "name"),
        (json!({"name": "Ann", "gender": "female"}), "age"),
        (json!({"name": "Ann", "age": 30}), "gender"),
        (with("name", json!("")), "name"),
        (with("name", json!("   \t ")), "name"),
        (with("name", json!("x".repeat(201))), "name"),
        (with("name", json!(42)), "name"),
        (with("name", Value::Null), "name"),
        (with("age", json!(-1)), "age"),
        (with("age", json!(151)), "age"),
        (with("age", json!(30.5)), "age"),
        (with("age", json!("30")), "age"),
        (with("age", json!(1e20)), "age"),
        (with("gender", json!("")), "gender"),
        (with("id", json!(99)), "id"),
        (with("nickname", json!("A")), "nickname"),
        (json!([ok.clone()]), "body"),
        (json!("Ann"), "body"),
    ];
    for (body, field) in cases {
        check(&app, Method::POST, "/actors", body, field).await;
    }

    let id = app.seed_actor("Kept").await;
    let path = format!("/actors/{id}");
    check(&app, Method::PATCH, &path, json!({}), "body").await;
    check(&app, Method::PATCH, &path, json!({"name": " "}), "name").await;
    check(&app, Method::PATCH, &path, json!({"age": 200}), "age").await;
    check(&app, Method::PATCH, &path, json!({"id": 5, "name": "X"}), "id").await;
    check(&app, Method::PATCH, &path, json!({"name": "Valid", "age": -3}), "age").await;

    // Nothing stored and nothing half-applied.
    let (_, listed) = status_json(app.get("/actors", Role::Assistant).await).await;
    assert_eq!(listed["all_actors"], 1);
    assert_eq!(
        listed["actors"][0],
        json!({"id": id, "name": "Kept", "age": 40, "gender": "female"})
    );
    // A whole-number float is an integer in JSON (and in the OpenAPI schema).
    let res = app.send_json(Method::PATCH, &path, Role::Director, json!({"age": 41.0})).await;
    let (status, body) = status_json(res).await;
    assert_eq!((status, &body["modified_actor"]["age"]), (200, &json!(41)), "{body}");
}

async fn invalid_movies_are_refused(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let cases = [
        (json!({"release_date": "2024-12-23"}), "title"),
        (json!({"title": null, "release_date": null}), "title"),
        (json!({"title": " ", "release_date": "2024-12-23"}), "title"),
        (json!({"title": "T", "release_date": "soon"}), "release_date"),
        (json!({"title": "T", "release_date": "2024-02-30"}), "release_date"),
        (json!({"title": "T", "release_date": "Tue, 23 Dec 2024 00:00:00 GMT"}), "release_date"),
        (json!({"title": "T", "release_date": 20241223}), "release_date"),
        (json!({"title": "T", "release_date": "2024-12-23", "id": 1}), "id"),
    ];
    for (body, field) in cases {
        check(&app, Method::POST, "/movies", body, field).await;
    }
    let id = app.seed_movie("Kept").await;
    check(
        &app,
        Method::PATCH,
        &format!("/movies/{id}"),
        json!({"release_date": "never"}),
        "release_date",
    )
    .await;
    check(&app, Method::PATCH, &format!("/movies/{id}"), json!({}), "body").await;
    let (_, listed) = status_json(app.get("/movies", Role::Assistant).await).await;
    assert_eq!(listed["all_movies"], 1);
    assert_eq!(listed["movies"][0]["title"], "Kept");
}

async fn unreadable_bodies_are_refused(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let token = app.token(Role::Producer);
    let post = |body: Vec<u8>, content_type: Option<&str>| {
        let mut request = app.request(Method::POST, "/actors", Some(&token)).body(body);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        request.send()
    };
    let json_type = Some("application/json");
    expect_error(post(b"{\"name\": ".to_vec(), json_type).await.unwrap(), 400, "malformed_json")
        .await;
    expect_error(post(b"".to_vec(), json_type).await.unwrap(), 400, "empty_body").await;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    expect_error(post(deep.into_bytes(), json_type).await.unwrap(), 400, "malformed_json").await;
    let form = b"name=Ann&age=30&gender=female".to_vec();
    expect_error(
        post(form.clone(), Some("application/x-www-form-urlencoded")).await.unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
    expect_error(post(form, None).await.unwrap(), 415, "unsupported_media_type").await;
    let huge = serde_json::to_vec(&json!({"name": "x".repeat(70 * 1024), "age": 1, "gender": "f"}))
        .unwrap();
    let refused = post(huge, json_type).await.unwrap();
    // The body was never read, so the server will drop the connection: it must say so, or a
    // client reuses the dying connection for its next request and that one fails.
    assert_eq!(
        refused.headers().get(header::CONNECTION).map(|v| v.as_bytes()),
        Some(&b"close"[..])
    );
    expect_error(refused, 413, "payload_too_large").await;
    // Charset parameters and +json types are JSON too.
    let ok = serde_json::to_vec(&json!({"name": "Ann", "age": 30, "gender": "female"})).unwrap();
    assert_eq!(post(ok, Some("application/json; charset=utf-8")).await.unwrap().status(), 200);

    // A caller without the permission learns nothing about the body: 403 comes first.
    let res = app
        .request(Method::POST, "/movies", Some(&app.token(Role::Director)))
        .header(header::CONTENT_TYPE, "application/json")
        .body("{oops")
        .send()
        .await
        .unwrap();
    expect_error(res, 403, "forbidden").await;
    // Refused before its body was read (no credentials): the connection closes, and says so.
    let res = app
        .request(Method::POST, "/actors", None)
        .header(header::CONTENT_TYPE, "application/json")
        .body("{\"name\": \"Unread\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get(header::CONNECTION).map(|v| v.as_bytes()), Some(&b"close"[..]));
    expect_error(res, 401, "authorization_header_missing").await;
    // A body that was read leaves the connection open for the next request.
    let ok = serde_json::to_vec(&json!({"name": "Bo", "age": 31, "gender": "male"})).unwrap();
    let res = post(ok, json_type).await.unwrap();
    assert_eq!(res.headers().get(header::CONNECTION), None);
    assert_eq!(res.status(), 200);

    let (_, listed) = status_json(app.get("/actors", Role::Assistant).await).await;
    assert_eq!(listed["all_actors"], 2);
}
