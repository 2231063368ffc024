//! Versions and lost-update protection (issue 14 §2): every actor and movie carries a version,
//! GETs send it as `ETag` and answer 304 to `If-None-Match`, and `If-Match` on PATCH and
//! DELETE refuses a stale version with 412 and the current record, writing nothing, even when
//! two writers race. Real HTTP, both databases.

use casting_agency::model::Role;
use reqwest::{Method, header};
use serde_json::{Value, json};

use crate::support::{Options, TestApp, TestDb, expect_error, status_json_versioned};

crate::on_both_databases!(
    reads_carry_the_version_and_answer_304_while_unchanged,
    a_stale_if_match_is_refused_with_the_current_record,
    of_two_racing_patches_with_one_if_match_exactly_one_wins,
    every_actor_and_movie_object_carries_its_version,
);

async fn changes_in_journal(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM changes")
        .fetch_one(app.core.service.db().pool())
        .await
        .unwrap()
}

fn etag(res: &reqwest::Response) -> Option<String> {
    res.headers().get(header::ETAG).map(|v| v.to_str().unwrap().to_owned())
}

async fn get_if_none_match(app: &TestApp, path: &str, tag: &str) -> reqwest::Response {
    app.request(Method::GET, path, Some(&app.token(Role::Producer)))
        .header(header::IF_NONE_MATCH, tag)
        .send()
        .await
        .unwrap()
}

async fn write_if_match(
    app: &TestApp,
    method: Method,
    path: &str,
    tag: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req =
        app.request(method, path, Some(&app.token(Role::Producer))).header(header::IF_MATCH, tag);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap()
}

async fn reads_carry_the_version_and_answer_304_while_unchanged(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    for (path, new, patch) in [
        ("/actors", json!({"name": "Ann", "age": 30, "gender": "f"}), json!({"age": 31})),
        (
            "/movies",
            json!({"title": "Tagged", "release_date": "2024-01-02"}),
            json!({"title": "T2"}),
        ),
    ] {
        let res = app.send_json(Method::POST, path, Role::Producer, new).await;
        assert_eq!(etag(&res).as_deref(), Some("\"1\""), "{path}: a create answers its version");
        let (_, created) = status_json_versioned(res).await;
        let id = created.get("created").or(created.get("created_id")).unwrap().as_i64().unwrap();
        let item = format!("{path}/{id}");

        let res = app.get(&item, Role::Producer).await;
        assert_eq!(etag(&res).as_deref(), Some("\"1\""));
        for held in ["\"1\"", "W/\"1\"", "\"7\", \"1\"", "*"] {
            let res = get_if_none_match(&app, &item, held).await;
            assert_eq!(res.status(), 304, "{item} If-None-Match: {held}");
            assert_eq!(etag(&res).as_deref(), Some("\"1\""));
            assert!(res.text().await.unwrap().is_empty(), "a 304 has no body");
        }
        let res = get_if_none_match(&app, &item, "\"2\"").await;
        assert_eq!(res.status(), 200, "another version is not what the client holds");

        let res = app.send_json(Method::PATCH, &item, Role::Producer, patch).await;
        assert_eq!(etag(&res).as_deref(), Some("\"2\""), "a PATCH answers the new version");
        let res = get_if_none_match(&app, &item, "\"1\"").await;
        assert_eq!(res.status(), 200, "changed since: the whole answer");
        assert_eq!(etag(&res).as_deref(), Some("\"2\""));

        let res = get_if_none_match(&app, &item, "1").await;
        expect_error(res, 400, "invalid_precondition").await;
    }
}

async fn a_stale_if_match_is_refused_with_the_current_record(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let id = app.seed_actor("Bea").await;
    let path = format!("/actors/{id}");
    let res = app.send_json(Method::PATCH, &path, Role::Director, json!({"age": 41})).await;
    assert_eq!(etag(&res).as_deref(), Some("\"2\""));
    let (_, shown) = status_json_versioned(app.get(&path, Role::Director).await).await;
    let mut current = shown["actor"].clone();
    current.as_object_mut().unwrap().remove("movies");
    let journaled = changes_in_journal(&app).await;

    // Stale and weak tags never match; nothing is written.
    for stale in ["\"1\"", "W/\"2\"", "\"1\", \"3\""] {
        let res = write_if_match(&app, Method::PATCH, &path, stale, Some(json!({"age": 99}))).await;
        let body = expect_error(res, 412, "precondition_failed").await;
        assert_eq!(body["current"], current, "If-Match: {stale}");
        let res = write_if_match(&app, Method::DELETE, &path, stale, None).await;
        let body = expect_error(res, 412, "precondition_failed").await;
        assert_eq!(body["current"], current);
    }
    let (_, after) = status_json_versioned(app.get(&path, Role::Director).await).await;
    assert_eq!(after["actor"]["age"], 41, "nothing was written");
    assert_eq!(changes_in_journal(&app).await, journaled, "a refused write journals nothing");

    // The current tag, one of several, or `*`: the write goes ahead.
    let res =
        write_if_match(&app, Method::PATCH, &path, "\"9\", \"2\"", Some(json!({"age": 42}))).await;
    assert_eq!((res.status().as_u16(), etag(&res).as_deref()), (200, Some("\"3\"")));
    let res = write_if_match(&app, Method::PATCH, &path, "*", Some(json!({"age": 43}))).await;
    assert_eq!((res.status().as_u16(), etag(&res).as_deref()), (200, Some("\"4\"")));
    let res = write_if_match(&app, Method::DELETE, &path, "\"4\"", None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(etag(&res).as_deref(), Some("\"5\""), "the delete is a change too");

    // Permission first: a caller who may not write hears 403 whatever header it sent.
    let res = app
        .request(Method::PATCH, &path, Some(&app.token(Role::Assistant)))
        .header(header::IF_MATCH, "not-a-tag")
        .json(&json!({"age": 1}))
        .send()
        .await
        .unwrap();
    expect_error(res, 403, "forbidden").await;
    let res =
        write_if_match(&app, Method::PATCH, &path, "not-a-tag", Some(json!({"age": 1}))).await;
    expect_error(res, 400, "invalid_precondition").await;

    // A record that is not there is 404, whatever the precondition.
    let res = write_if_match(&app, Method::PATCH, &path, "*", Some(json!({"age": 1}))).await;
    expect_error(res, 404, "not_found").await;
    let movie = app.seed_movie("Guarded").await;
    let res = write_if_match(
        &app,
        Method::PATCH,
        &format!("/movies/{movie}"),
        "\"5\"",
        Some(json!({"title": "Nope"})),
    )
    .await;
    let body = expect_error(res, 412, "precondition_failed").await;
    assert_eq!(body["current"]["title"], "Guarded");
    assert_eq!(body["current"]["version"], 1);
}

async fn of_two_racing_patches_with_one_if_match_exactly_one_wins(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    for trial in 0..25 {
        let id = app.seed_actor(&format!("Racer {trial}")).await;
        let path = format!("/actors/{id}");
        let (a, b) = tokio::join!(
            write_if_match(&app, Method::PATCH, &path, "\"1\"", Some(json!({"age": 10}))),
            write_if_match(&app, Method::PATCH, &path, "\"1\"", Some(json!({"age": 20}))),
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 412], "trial {trial}");
        let (_, shown) = status_json_versioned(app.get(&path, Role::Director).await).await;
        assert_eq!(shown["actor"]["version"], 2, "trial {trial}: one write, one version");
    }
    let movie = app.seed_movie("Contested").await;
    let path = format!("/movies/{movie}");
    let (a, b) = tokio::join!(
        write_if_match(&app, Method::PATCH, &path, "\"1\"", Some(json!({"title": "A"}))),
        write_if_match(&app, Method::DELETE, &path, "\"1\"", None),
    );
    // Exactly one wins. The loser hears 412 when the PATCH went first (the movie moved on)
    // and 404 when the DELETE did (there is no movie left to hold a version).
    let (patch, delete) = (a.status().as_u16(), b.status().as_u16());
    assert!(
        matches!((patch, delete), (200, 412) | (404, 200)),
        "a PATCH and a DELETE of one version: one wins, got PATCH {patch}, DELETE {delete}"
    );
}

/// Every object with an `id` in `value` that is an actor or a movie has an integer version.
fn versions_in(value: &Value, found: &mut Vec<i64>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("id") && (map.contains_key("name") || map.contains_key("title")) {
                let version = map.get("version").and_then(Value::as_i64);
                found.push(version.unwrap_or_else(|| panic!("no version in {value}")));
            }
            map.values().for_each(|v| versions_in(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| versions_in(v, found)),
        _ => {}
    }
}

async fn every_actor_and_movie_object_carries_its_version(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let actor = app.seed_actor("Cy").await;
    let movie = app.seed_movie("Versioned").await;
    let cast = format!("/movies/{movie}/actors/{actor}");
    let res = app.send_json(Method::PUT, &cast, Role::Director, json!({"character": "X"})).await;
    let (status, body) = status_json_versioned(res).await;
    assert_eq!(status, 200, "{body}");

    // A cast change is a change of both records: both versions move on.
    let (_, shown) =
        status_json_versioned(app.get(&format!("/actors/{actor}"), Role::Producer).await).await;
    assert_eq!(shown["actor"]["version"], 2, "{shown}");
    assert_eq!(shown["actor"]["movies"][0]["version"], 2, "{shown}");
    let keys: Vec<&str> = {
        let mut keys: Vec<&str> =
            shown["actor"].as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        keys
    };
    assert_eq!(
        keys,
        ["age", "gender", "id", "movies", "name", "photo", "version"],
        "the seed's fields + version and photo"
    );

    let mut found = Vec::new();
    for path in [
        "/actors".to_owned(),
        "/movies".to_owned(),
        "/actors?page=1".to_owned(),
        format!("/actors/{actor}"),
        format!("/movies/{movie}"),
        format!("/movies/{movie}/actors"),
        format!("/actors/{actor}/movies"),
    ] {
        let (status, body) = status_json_versioned(app.get(&path, Role::Producer).await).await;
        assert_eq!(status, 200, "{path}: {body}");
        let before = found.len();
        versions_in(&body, &mut found);
        assert!(found.len() > before, "{path} names an actor or a movie: {body}");
    }
    assert!(found.iter().all(|v| *v >= 1));
    let res = app
        .send_json(
            Method::PATCH,
            &format!("/movies/{movie}"),
            Role::Producer,
            json!({"title": "V2"}),
        )
        .await;
    let (_, body) = status_json_versioned(res).await;
    assert_eq!(body["old_movie"]["version"], 2);
    assert_eq!(body["modified_movie"]["version"], 3);
    let res = app
        .request(Method::DELETE, &format!("/movies/{movie}"), Some(&app.token(Role::Producer)))
        .send()
        .await
        .unwrap();
    let (_, body) = status_json_versioned(res).await;
    assert_eq!(body["deleted_movie"]["version"], 3, "the movie as it was when deleted");
    let (_, shown) =
        status_json_versioned(app.get(&format!("/actors/{actor}"), Role::Producer).await).await;
    assert_eq!(shown["actor"]["version"], 3, "losing a movie changes the actor's filmography");
}
