//! The trash (issue 14 §4): a delete moves the record and its cast links aside; a restore
//! brings it back under its id, version +1, with each link whose other side still exists;
//! two restores at once have one winner; the retention purge removes it for good while its
//! history stays. Real HTTP, both databases.

use std::time::{Duration, SystemTime};

use casting_agency::model::Role;
use reqwest::{Method, header};
use serde_json::json;

use crate::support::{Options, TestApp, TestDb, expect_error, status_json, status_json_versioned};

crate::on_both_databases!(
    a_deleted_actor_comes_back_with_their_cast_links,
    a_deleted_movie_comes_back_with_its_cast,
    of_two_racing_restores_exactly_one_wins,
    the_trash_shows_each_caller_what_it_may_restore,
    the_retention_purge_removes_for_good_but_keeps_history,
);

async fn delete(app: &TestApp, path: &str, role: Role) -> reqwest::Response {
    app.request(Method::DELETE, path, Some(&app.token(role))).send().await.unwrap()
}

async fn restore(app: &TestApp, path: &str, role: Role) -> reqwest::Response {
    app.request(Method::POST, &format!("{path}/restore"), Some(&app.token(role)))
        .send()
        .await
        .unwrap()
}

async fn cast(app: &TestApp, movie: i64, actor: i64, character: &str) {
    let path = format!("/movies/{movie}/actors/{actor}");
    let res =
        app.send_json(Method::PUT, &path, Role::Director, json!({"character": character})).await;
    assert_eq!(res.status(), 200);
}

async fn a_deleted_actor_comes_back_with_their_cast_links(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let actor = app.seed_actor("Dana").await;
    let other = app.seed_actor("Eli").await;
    let (kept, dropped) = (app.seed_movie("Kept").await, app.seed_movie("Dropped").await);
    cast(&app, kept, actor, "Viola").await;
    cast(&app, dropped, actor, "Olivia").await;
    let path = format!("/actors/{actor}");
    let (_, before) = status_json_versioned(app.get(&path, Role::Director).await).await;
    let version = before["actor"]["version"].as_i64().unwrap();

    let res = delete(&app, &path, Role::Director).await;
    assert_eq!(res.headers()[header::ETAG], format!("\"{}\"", version + 1).as_str());
    let (status, body) = status_json(res).await;
    assert_eq!((status, &body["assignments_removed"]), (200, &json!(2)), "{body}");
    // Gone for every existing response.
    expect_error(app.get(&path, Role::Director).await, 404, "not_found").await;
    let (_, list) = status_json(app.get("/actors", Role::Director).await).await;
    assert_eq!(list["all_actors"], 1);
    assert_eq!(list["actors"][0]["id"], other);
    let (_, kept_cast) =
        status_json(app.get(&format!("/movies/{kept}/actors"), Role::Director).await).await;
    assert_eq!(kept_cast["actors"], json!([]), "{kept_cast}");
    let res = app
        .send_json(
            Method::PUT,
            &format!("/movies/{kept}/actors/{actor}"),
            Role::Director,
            json!({}),
        )
        .await;
    expect_error(res, 404, "not_found").await;
    // An id is never handed out again.
    let newer = app.seed_actor("Fay").await;
    assert!(newer > actor);

    // One of the two movies goes while the actor is in the trash: that link cannot come back.
    assert_eq!(delete(&app, &format!("/movies/{dropped}"), Role::Producer).await.status(), 200);
    let res = restore(&app, &path, Role::Director).await;
    assert_eq!(res.headers()[header::ETAG], format!("\"{}\"", version + 2).as_str());
    let (status, back) = status_json_versioned(res).await;
    assert_eq!(status, 200, "{back}");
    assert_eq!(back["actor"]["id"], actor);
    assert_eq!(back["actor"]["name"], "Dana");
    assert_eq!(back["actor"]["version"], version + 2, "the delete and the restore are changes");
    assert_eq!(
        back["restored_links"],
        json!([{"movie_id": kept, "actor_id": actor, "character": "Viola"}])
    );
    let (_, shown) = status_json(app.get(&path, Role::Director).await).await;
    assert_eq!(shown["actor"]["movies"].as_array().unwrap().len(), 1, "{shown}");
    assert_eq!(shown["actor"]["movies"][0]["character"], "Viola");

    // Not in the trash any more (and never was, for an id that is live).
    expect_error(restore(&app, &path, Role::Director).await, 404, "not_found").await;
    expect_error(
        restore(&app, &format!("/actors/{other}"), Role::Director).await,
        404,
        "not_found",
    )
    .await;
    let (_, history) = status_json(app.get(&format!("{path}/history"), Role::Director).await).await;
    let actions: Vec<&str> = history["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(&actions[..2], ["restore", "delete"], "{history}");
}

async fn a_deleted_movie_comes_back_with_its_cast(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let new = json!({"title": "Returning", "release_date": "2024-12-23T10:00:00.123456789Z"});
    let (_, created) =
        status_json(app.send_json(Method::POST, "/movies", Role::Producer, new).await).await;
    let movie = created["created_id"].as_i64().unwrap();
    let (a, b) = (app.seed_actor("Gus").await, app.seed_actor("Hal").await);
    cast(&app, movie, a, "Lead").await;
    cast(&app, movie, b, "Support").await;
    let path = format!("/movies/{movie}");
    assert_eq!(delete(&app, &path, Role::Producer).await.status(), 200);
    let (_, list) = status_json(app.get("/movies", Role::Producer).await).await;
    assert_eq!(list["all_movies"], 0);
    expect_error(restore(&app, &path, Role::Director).await, 403, "forbidden").await;
    let (status, back) = status_json(restore(&app, &path, Role::Producer).await).await;
    assert_eq!(status, 200, "{back}");
    assert_eq!(back["restored_links"].as_array().unwrap().len(), 2);
    let (_, shown) = status_json(app.get(&format!("{path}/actors"), Role::Producer).await).await;
    let characters: Vec<&str> = shown["actors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["character"].as_str().unwrap())
        .collect();
    assert_eq!(characters, ["Lead", "Support"]);
    // The instant comes back whole, not as the HTTP-date's whole seconds.
    let stored: String = sqlx::query_scalar("SELECT release_date FROM movies WHERE id = $1")
        .bind(movie)
        .fetch_one(app.core.service.db().pool())
        .await
        .unwrap();
    assert_eq!(stored, "2024-12-23T10:00:00.123456789Z");
}

async fn of_two_racing_restores_exactly_one_wins(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    for trial in 0..20 {
        let actor = app.seed_actor(&format!("Twin {trial}")).await;
        let path = format!("/actors/{actor}");
        assert_eq!(delete(&app, &path, Role::Director).await.status(), 200);
        let (a, b) = tokio::join!(
            restore(&app, &path, Role::Director),
            restore(&app, &path, Role::Producer)
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 404], "trial {trial}");
    }
    let (_, list) = status_json(app.get("/actors", Role::Director).await).await;
    assert_eq!(list["all_actors"], 20, "each restored once");
}

async fn the_trash_shows_each_caller_what_it_may_restore(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let actor = app.seed_actor("Ida").await;
    let movie = app.seed_movie("Jig").await;
    cast(&app, movie, actor, "Kit").await;
    assert_eq!(delete(&app, &format!("/actors/{actor}"), Role::Director).await.status(), 200);
    assert_eq!(delete(&app, &format!("/movies/{movie}"), Role::Producer).await.status(), 200);

    expect_error(app.get("/trash", Role::Assistant).await, 403, "forbidden").await;
    let (status, director) = status_json(app.get("/trash", Role::Director).await).await;
    assert_eq!(status, 200, "{director}");
    assert_eq!(director["total"], 1, "a director may restore actors only: {director}");
    let item = &director["trash"][0];
    assert_eq!(
        (&item["entity"], &item["id"], &item["name"]),
        (&json!("actor"), &json!(actor), &json!("Ida"))
    );
    assert_eq!(item["cast_links"], 1);
    assert_eq!(item["record"]["name"], "Ida");
    assert!(item["purge_after"].as_str().unwrap() > item["deleted_at"].as_str().unwrap());
    let (_, producer) = status_json(app.get("/trash", Role::Producer).await).await;
    assert_eq!(producer["total"], 2);
    assert_eq!(producer["trash"][0]["entity"], "movie", "newest delete first: {producer}");
    let (_, paged) = status_json(app.get("/trash?per_page=1&page=2", Role::Producer).await).await;
    assert_eq!(
        (paged["trash"][0]["entity"].as_str(), paged["per_page"].as_i64()),
        (Some("actor"), Some(1))
    );
    let res = app.get("/trash?page=0", Role::Producer).await;
    expect_error(res, 422, "out_of_range").await;
    let res = app.get("/trash?sort=name", Role::Producer).await;
    expect_error(res, 422, "unknown_parameter").await;
}

async fn the_retention_purge_removes_for_good_but_keeps_history(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let actor = app.seed_actor("Lu").await;
    let path = format!("/actors/{actor}");
    assert_eq!(delete(&app, &path, Role::Director).await.status(), 200);
    let service = &app.core.service;
    assert_eq!(service.trash_retention(), Duration::from_secs(30 * 24 * 3600), "the default");
    let now = SystemTime::now();
    assert_eq!(service.purge_trash(now + Duration::from_secs(29 * 24 * 3600)).await.unwrap(), 0);
    let (_, trash) = status_json(app.get("/trash", Role::Director).await).await;
    assert_eq!(trash["total"], 1, "still within its retention");
    assert_eq!(service.purge_trash(now + Duration::from_secs(31 * 24 * 3600)).await.unwrap(), 1);
    let (_, trash) = status_json(app.get("/trash", Role::Director).await).await;
    assert_eq!(trash["total"], 0);
    expect_error(restore(&app, &path, Role::Director).await, 404, "not_found").await;
    let (status, history) =
        status_json(app.get(&format!("{path}/history"), Role::Director).await).await;
    assert_eq!((status, &history["total"]), (200, &json!(2)), "created and deleted: {history}");
}
