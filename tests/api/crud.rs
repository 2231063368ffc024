//! Success paths of every endpoint, with the exact response contract of both seeds.

use casting_agency::model::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Options, TestApp, TestDb, expect_error, status_json};

crate::on_both_databases!(
    home_and_health_routes,
    empty_collections_are_ok,
    actor_lifecycle,
    movie_lifecycle,
    release_date_keeps_the_full_instant,
    lists_are_in_id_order,
);

async fn home_and_health_routes(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let (status, body) = status_json(app.client.get(app.url("/")).send().await.unwrap()).await;
    assert_eq!((status, body), (200, json!({"success": true, "home_route": true})));

    let (status, body) =
        status_json(app.client.get(app.url("/healthz")).send().await.unwrap()).await;
    assert_eq!((status, &body["status"]), (200, &json!("ok")));

    let (status, body) =
        status_json(app.client.get(app.url("/readyz")).send().await.unwrap()).await;
    let expected = if app.db.is_postgres() { "postgres" } else { "sqlite" };
    assert_eq!((status, &body["database"]), (200, &json!(expected)));
}

async fn empty_collections_are_ok(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let (status, body) = status_json(app.get("/actors", Role::Assistant).await).await;
    assert_eq!((status, body), (200, json!({"success": true, "actors": [], "all_actors": 0})));
    let (status, body) = status_json(app.get("/movies", Role::Assistant).await).await;
    assert_eq!((status, body), (200, json!({"success": true, "movies": [], "all_movies": 0})));
}

async fn actor_lifecycle(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let new = json!({"name": "  Ada Lovelace ", "age": 36, "gender": "female"});
    let (status, created) =
        status_json(app.send_json(Method::POST, "/actors", Role::Director, new).await).await;
    assert_eq!(status, 200, "{created}");
    let id = created["created"].as_i64().expect("created is an integer id");
    let actor = json!({"id": id, "name": "Ada Lovelace", "age": 36, "gender": "female"});
    assert_eq!(
        created,
        json!({"success": true, "actors": [actor], "created": id, "new_actor": actor})
    );

    let (_, listed) = status_json(app.get("/actors", Role::Assistant).await).await;
    assert_eq!(listed, json!({"success": true, "actors": [actor], "all_actors": 1}));
    let (_, shown) = status_json(app.get(&format!("/actors/{id}"), Role::Assistant).await).await;
    let mut detail = actor.clone();
    detail["movies"] = json!([]);
    assert_eq!(shown, json!({"success": true, "actor": detail}));

    let patch = json!({"age": 37});
    let path = format!("/actors/{id}");
    let (status, updated) =
        status_json(app.send_json(Method::PATCH, &path, Role::Director, patch).await).await;
    let after = json!({"id": id, "name": "Ada Lovelace", "age": 37, "gender": "female"});
    assert_eq!(status, 200);
    assert_eq!(
        updated,
        json!({"success": true, "actors": [after], "actor_before": actor, "modified_actor": after})
    );

    app.seed_actor("Someone Else").await;
    let res =
        app.request(Method::DELETE, &path, Some(&app.token(Role::Director))).send().await.unwrap();
    let (status, deleted) = status_json(res).await;
    assert_eq!(status, 200);
    assert_eq!(
        deleted,
        json!({
            "success": true, "deleted": id, "deleted_actor_id": id, "deleted_actor": after,
            "number_of_actors_before": 2, "number_of_actors_after": 1, "assignments_removed": 0
        })
    );
    expect_error(app.get(&path, Role::Assistant).await, 404, "not_found").await;
    let res =
        app.request(Method::DELETE, &path, Some(&app.token(Role::Director))).send().await.unwrap();
    expect_error(res, 404, "not_found").await;
}

async fn movie_lifecycle(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let new = json!({"title": "some movie title", "release_date": "2024-12-23"});
    let (status, created) =
        status_json(app.send_json(Method::POST, "/movies", Role::Producer, new).await).await;
    assert_eq!(status, 200, "{created}");
    let id = created["created_id"].as_i64().unwrap();
    let movie = json!({"id": id, "title": "some movie title", "release_date": "Mon, 23 Dec 2024 00:00:00 GMT"});
    assert_eq!(
        created,
        json!({"success": true, "movies": [movie], "created_id": id, "new_movie": movie})
    );

    let (_, shown) = status_json(app.get(&format!("/movies/{id}"), Role::Assistant).await).await;
    let mut detail = movie.clone();
    detail["cast"] = json!([]);
    assert_eq!(shown, json!({"success": true, "movie": detail}));

    // A client can send back the date form it read.
    let path = format!("/movies/{id}");
    let patch =
        json!({"title": "modified movie name", "release_date": "Thu, 14 May 2020 14:02:13 GMT"});
    let (status, updated) =
        status_json(app.send_json(Method::PATCH, &path, Role::Director, patch).await).await;
    let after = json!({"id": id, "title": "modified movie name", "release_date": "Thu, 14 May 2020 14:02:13 GMT"});
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        updated,
        json!({"success": true, "movies": [after], "old_movie": movie, "modified_movie": after})
    );

    let res =
        app.request(Method::DELETE, &path, Some(&app.token(Role::Producer))).send().await.unwrap();
    let (status, deleted) = status_json(res).await;
    assert_eq!(status, 200);
    assert_eq!(
        deleted,
        json!({
            "success": true, "deleted": id, "deleted_movie": after,
            "number_of_movies_before": 1, "number_of_movies_after": 0, "assignments_removed": 0
        })
    );
    let (_, listed) = status_json(app.get("/movies", Role::Assistant).await).await;
    assert_eq!(listed["all_movies"], 0);
}

async fn release_date_keeps_the_full_instant(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let new = json!({"title": "Precise", "release_date": "2020-05-14T16:02:13.123456789+02:00"});
    let (_, created) =
        status_json(app.send_json(Method::POST, "/movies", Role::Producer, new).await).await;
    assert_eq!(created["new_movie"]["release_date"], "Thu, 14 May 2020 14:02:13 GMT");

    // What was stored: the UTC instant, to the nanosecond.
    let pool = app.core.service.db().pool();
    let stored: String = sqlx::Row::get(
        &sqlx::query("SELECT release_date FROM movies").fetch_one(pool).await.unwrap(),
        "release_date",
    );
    assert_eq!(stored, "2020-05-14T14:02:13.123456789Z");
}

async fn lists_are_in_id_order(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let mut ids = Vec::new();
    for name in ["Zed", "Amy", "Mo"] {
        ids.push(app.seed_actor(name).await);
    }
    let (_, listed) = status_json(app.get("/actors", Role::Assistant).await).await;
    let got: Vec<i64> =
        listed["actors"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(got, ids);
    assert_eq!(listed["all_actors"], 3);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    let _: &Value = &listed;
}
