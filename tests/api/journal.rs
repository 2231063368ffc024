//! The change journal's backbone (issue 14 §1): every write appends exactly one `changes` row
//! in its own transaction, with who made it and the record before and after; refused writes
//! and reads append nothing. Read straight from the database, on both.

use casting_agency::model::Role;
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Row;

use crate::support::{Options, TestApp, TestDb, status_json};

crate::on_both_databases!(
    every_write_is_journaled_once_and_nothing_else_is,
    history_and_feed_show_what_the_caller_may_read,
    feed_totals_are_exact_for_every_filter,
);

/// (by_sub, by_name, entity, entity_id, actor_id, action, before, after), oldest first.
type Journaled = (String, Option<String>, String, i64, Option<i64>, String, Value, Value);

async fn journal(app: &TestApp) -> Vec<Journaled> {
    let rows = sqlx::query(
        "SELECT by_sub, by_name, entity, entity_id, actor_id, action, before_json, after_json \
         FROM changes ORDER BY id",
    )
    .fetch_all(app.core.service.db().pool())
    .await
    .unwrap();
    // Versions are tested in `versions.rs`; here, what the records were.
    let json = |text: Option<String>| {
        let mut value = text.map_or(Value::Null, |t| serde_json::from_str(&t).unwrap());
        crate::support::strip_versions(&mut value);
        value
    };
    rows.iter()
        .map(|r| {
            (
                r.get("by_sub"),
                r.get("by_name"),
                r.get("entity"),
                r.get("entity_id"),
                r.get("actor_id"),
                r.get("action"),
                json(r.get("before_json")),
                json(r.get("after_json")),
            )
        })
        .collect()
}

async fn every_write_is_journaled_once_and_nothing_else_is(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let director = || "auth0|director".to_owned();
    let producer = || "auth0|producer".to_owned();

    let (_, created) = status_json(
        app.send_json(
            Method::POST,
            "/actors",
            Role::Director,
            json!({"name": "Ann", "age": 30, "gender": "f"}),
        )
        .await,
    )
    .await;
    let actor = created["created"].as_i64().unwrap();
    let path = format!("/actors/{actor}");
    let res = app.send_json(Method::PATCH, &path, Role::Director, json!({"age": 31})).await;
    assert_eq!(res.status(), 200);
    let movie = app.seed_movie("Journaled").await;
    let cast = format!("/movies/{movie}/actors/{actor}");
    for body in [json!({"character": "Viola"}), json!({"character": "Olivia"})] {
        let res = app.send_json(Method::PUT, &cast, Role::Director, body).await;
        assert_eq!(res.status(), 200);
    }
    let res =
        app.request(Method::DELETE, &cast, Some(&app.token(Role::Director))).send().await.unwrap();
    assert_eq!(res.status(), 200);

    // Refused writes and reads: nothing.
    let refused = [
        app.send_json(Method::PATCH, &path, Role::Director, json!({"age": 400})).await.status(),
        app.send_json(
            Method::POST,
            "/actors",
            Role::Assistant,
            json!({"name": "X", "age": 1, "gender": "m"}),
        )
        .await
        .status(),
        app.send_json(
            Method::PUT,
            &format!("/movies/{movie}/actors/987654"),
            Role::Director,
            json!({}),
        )
        .await
        .status(),
        app.request(Method::DELETE, &cast, Some(&app.token(Role::Director)))
            .send()
            .await
            .unwrap()
            .status(),
        app.request(Method::DELETE, "/actors/987654", Some(&app.token(Role::Director)))
            .send()
            .await
            .unwrap()
            .status(),
    ];
    assert_eq!(refused.map(|s| s.as_u16()), [422, 403, 404, 404, 404]);
    for read in
        [path.clone(), "/actors".into(), format!("/movies/{movie}/actors"), "/movies".into()]
    {
        assert_eq!(app.get(&read, Role::Assistant).await.status(), 200, "{read}");
    }
    let res =
        app.request(Method::DELETE, &path, Some(&app.token(Role::Director))).send().await.unwrap();
    assert_eq!(res.status(), 200);

    let ann = |age: i64| json!({"id": actor, "name": "Ann", "age": age, "gender": "f"});
    let casting = |c: &str| json!({"movie_id": movie, "movie_title": "Journaled", "actor_id": actor, "actor_name": "Ann", "character": c});
    let (_, shown) = status_json(app.get(&format!("/movies/{movie}"), Role::Assistant).await).await;
    let mut the_movie = shown["movie"].clone();
    the_movie.as_object_mut().unwrap().remove("cast");
    let null = Value::Null;
    assert_eq!(
        journal(&app).await,
        vec![
            (director(), None, "actor".into(), actor, None, "create".into(), null.clone(), ann(30)),
            (director(), None, "actor".into(), actor, None, "update".into(), ann(30), ann(31)),
            (
                producer(),
                None,
                "movie".into(),
                movie,
                None,
                "create".into(),
                null.clone(),
                the_movie
            ),
            (
                director(),
                None,
                "casting".into(),
                movie,
                Some(actor),
                "cast".into(),
                null.clone(),
                casting("Viola")
            ),
            (
                director(),
                None,
                "casting".into(),
                movie,
                Some(actor),
                "recast".into(),
                casting("Viola"),
                casting("Olivia")
            ),
            (
                director(),
                None,
                "casting".into(),
                movie,
                Some(actor),
                "uncast".into(),
                casting("Olivia"),
                null.clone()
            ),
            (director(), None, "actor".into(), actor, None, "delete".into(), ann(31), null),
        ]
    );
}

/// A token's `name` is the change's display name (local sign-in names the role).
#[tokio::test]
async fn the_display_name_comes_from_the_token() {
    let app = TestApp::start(TestDb::sqlite(), Options { local: true, ..Options::default() }).await;
    let token = app.local_token(Role::Director).await;
    let res = app
        .request(Method::POST, "/actors", Some(&token))
        .json(&json!({"name": "Named", "age": 40, "gender": "m"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let rows = journal(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "local|director");
    assert_eq!(rows[0].1.as_deref(), Some("Casting Director (local sign-in)"));
}

fn actions(body: &Value) -> Vec<&str> {
    body["changes"].as_array().unwrap().iter().map(|c| c["action"].as_str().unwrap()).collect()
}

async fn history_and_feed_show_what_the_caller_may_read(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let actor = app.seed_actor("Historic").await;
    let movie = app.seed_movie("Chronicle").await;
    let cast = format!("/movies/{movie}/actors/{actor}");
    assert_eq!(
        app.send_json(Method::PUT, &cast, Role::Director, json!({"character": "Lead"}))
            .await
            .status(),
        200
    );
    let path = format!("/actors/{actor}");
    assert_eq!(
        app.send_json(Method::PATCH, &path, Role::Director, json!({"age": 41})).await.status(),
        200
    );
    let res =
        app.request(Method::DELETE, &path, Some(&app.token(Role::Director))).send().await.unwrap();
    assert_eq!(res.status(), 200);

    // History outlives the delete; newest first; castings in both histories.
    let (status, history) =
        status_json(app.get(&format!("{path}/history"), Role::Assistant).await).await;
    assert_eq!(status, 200, "{history}");
    assert_eq!(actions(&history), ["delete", "update", "cast", "create"]);
    assert_eq!(
        (history["total"].clone(), history["page"].clone(), history["per_page"].clone()),
        (json!(4), json!(1), json!(20))
    );
    let update = &history["changes"][1];
    assert_eq!(update["by"], json!({"sub": "auth0|director", "name": null}));
    assert_eq!(
        (update["entity"].clone(), update["entity_id"].clone()),
        (json!("actor"), json!(actor))
    );
    assert_eq!(
        (update["before"]["age"].clone(), update["after"]["age"].clone()),
        (json!(40), json!(41))
    );
    assert!(update["at"].as_str().unwrap().ends_with('Z'), "{update}");
    let (_, history) =
        status_json(app.get(&format!("/movies/{movie}/history"), Role::Assistant).await).await;
    assert_eq!(actions(&history), ["cast", "create"]);
    assert_eq!(history["changes"][0]["actor_id"], actor);

    // The feed: newest first, filters, paging, and `since` (oldest first, after that id).
    let (_, feed) = status_json(app.get("/changes", Role::Assistant).await).await;
    assert_eq!(actions(&feed), ["delete", "update", "cast", "create", "create"]);
    let ids: Vec<i64> =
        feed["changes"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    let (_, after) =
        status_json(app.get(&format!("/changes?since={}", ids[3]), Role::Assistant).await).await;
    let after_ids: Vec<i64> =
        after["changes"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(after_ids, [ids[2], ids[1], ids[0]]);
    for (query, expected) in [
        ("entity=casting", vec!["cast"]),
        ("action=update", vec!["update"]),
        ("by=auth0%7Cproducer", vec!["create", "create"]),
        ("entity=movie&action=create", vec!["create"]),
    ] {
        let (status, body) =
            status_json(app.get(&format!("/changes?{query}"), Role::Assistant).await).await;
        assert_eq!((status, actions(&body)), (200, expected), "{query}");
    }
    let (_, paged) =
        status_json(app.get("/changes?per_page=2&page=2", Role::Assistant).await).await;
    assert_eq!((actions(&paged), paged["total"].clone()), (vec!["cast", "create"], json!(5)));

    // Only what the caller may read: movies alone see no actor or casting change.
    let mut claims = app.claims(Role::Assistant);
    claims["permissions"] = json!(["get:movies"]);
    let movies_only = app.key.sign(&claims);
    let res = app.request(Method::GET, "/changes", Some(&movies_only)).send().await.unwrap();
    let (_, feed) = status_json(res).await;
    assert_eq!(
        (actions(&feed), feed["changes"][0]["entity"].clone()),
        (vec!["create"], json!("movie"))
    );
    let res = app
        .request(Method::GET, &format!("{path}/history"), Some(&movies_only))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    claims["permissions"] = json!([]);
    let res =
        app.request(Method::GET, "/changes", Some(&app.key.sign(&claims))).send().await.unwrap();
    assert_eq!(res.status(), 403);

    // Ids that never were, and bad parameters.
    assert_eq!(app.get("/actors/987654/history", Role::Assistant).await.status(), 404);
    assert_eq!(app.get("/movies/987654/history", Role::Assistant).await.status(), 404);
    for bad in
        ["entity=robot", "action=explode", "since=-1", "per_page=101", "colour=red", "since=x"]
    {
        let (status, body) =
            status_json(app.get(&format!("/changes?{bad}"), Role::Assistant).await).await;
        assert_eq!(status, 422, "{bad}: {body}");
    }
}

/// The feed's `total` is summed from `change_counts` (kept by a trigger) rather than counted:
/// it must still equal the number of entries the same filters list, for every filter and every
/// set of readable kinds, and a rolled-back journal row must not count.
async fn feed_totals_are_exact_for_every_filter(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let actor = app.seed_actor("Counted").await;
    let movie = app.seed_movie("Tallied").await;
    let cast = format!("/movies/{movie}/actors/{actor}");
    for (method, path, role, body) in [
        (Method::PUT, cast.as_str(), Role::Director, json!({"character": "Lead"})),
        (Method::PUT, cast.as_str(), Role::Director, json!({"character": "Twin"})),
        (Method::PATCH, &format!("/actors/{actor}"), Role::Director, json!({"age": 33})),
        (Method::PATCH, &format!("/movies/{movie}"), Role::Producer, json!({"title": "T2"})),
        (Method::POST, "/actors", Role::Director, json!({"name": "B", "age": 9, "gender": "f"})),
        (Method::DELETE, &cast, Role::Director, json!({})),
    ] {
        let res = app.send_json(method.clone(), path, role, body).await;
        assert_eq!(res.status(), 200, "{method} {path}");
    }
    // A journal row whose transaction rolls back leaves no count behind.
    let pool = app.core.service.db().pool();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO changes (at, by_sub, entity, entity_id, action) \
         VALUES ('2026-01-01T00:00:00.000000000Z', 'ghost', 'actor', 1, 'update')",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.rollback().await.unwrap();

    let mut claims = app.claims(Role::Assistant);
    claims["permissions"] = json!(["get:movies"]);
    let movies_only = app.key.sign(&claims);
    let everyone = app.token(Role::Assistant);
    let queries = [
        "",
        "entity=actor",
        "entity=movie",
        "entity=casting",
        "action=update",
        "action=recast",
        "entity=actor&action=create",
        "by=auth0%7Cdirector",
        "by=auth0%7Cproducer&entity=movie",
        "by=ghost",
        "since=2",
        "since=2&entity=casting",
    ];
    for (who, token) in [("all kinds", &everyone), ("movies only", &movies_only)] {
        for query in queries {
            let path = format!("/changes?per_page=100&{query}");
            let res = app.request(Method::GET, &path, Some(token)).send().await.unwrap();
            let (status, body) = status_json(res).await;
            assert_eq!(status, 200, "{who} {query}: {body}");
            let listed = body["changes"].as_array().unwrap().len();
            assert_eq!(body["total"], listed, "{who} {query}: {body}");
        }
    }
    let (_, all) = status_json(app.get("/changes", Role::Assistant).await).await;
    assert_eq!(all["total"], 8, "{all}");
}
