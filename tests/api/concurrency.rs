//! Concurrent writers: every acknowledged write is stored, none fails with "database locked"
//! (on SQLite that is 200 writers on one file, serialized by `BEGIN IMMEDIATE` and the busy
//! timeout).

use casting_agency::model::Role;
use reqwest::Method;
use serde_json::json;

use crate::support::{Options, TestApp, TestDb, status_json};

crate::on_both_databases!(two_hundred_concurrent_writers_lose_nothing);

const WRITERS: i64 = 200;

async fn two_hundred_concurrent_writers_lose_nothing(db: TestDb) {
    let app = std::sync::Arc::new(TestApp::start(db, Options::default()).await);
    let token = app.token(Role::Director);
    let tasks: Vec<_> = (0..WRITERS)
        .map(|i| {
            let app = app.clone();
            let token = token.clone();
            tokio::spawn(async move {
                let body =
                    json!({"name": format!("Actor {i}"), "age": 20 + i % 50, "gender": "other"});
                let res = app
                    .request(Method::POST, "/actors", Some(&token))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                status_json(res).await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, 200, "{body}");
        ids.push(body["created"].as_i64().unwrap());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), WRITERS as usize, "ids must be distinct");
    let (_, listed) = status_json(app.get("/actors", Role::Assistant).await).await;
    assert_eq!(listed["all_actors"], WRITERS);
    assert_eq!(listed["actors"].as_array().unwrap().len(), WRITERS as usize);
    // The feed's total comes from counts the writers kept (striped on PostgreSQL): none lost.
    let (_, feed) = status_json(app.get("/changes?action=create", Role::Assistant).await).await;
    assert_eq!(feed["total"], WRITERS, "{feed}");

    // Then 200 concurrent assignments to one movie: the cast counts every one, exactly.
    let movie = app.seed_movie("Ensemble").await;
    let producer = app.token(Role::Producer);
    let tasks: Vec<_> = ids
        .iter()
        .map(|&actor| {
            let (app, token) = (app.clone(), producer.clone());
            tokio::spawn(async move {
                let path = format!("/movies/{movie}/actors/{actor}");
                let res = app.request(Method::PUT, &path, Some(&token)).send().await.unwrap();
                status_json(res).await
            })
        })
        .collect();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!((status, &body["created"]), (200, &json!(true)), "{body}");
    }
    let (_, cast) =
        status_json(app.get(&format!("/movies/{movie}/actors"), Role::Assistant).await).await;
    assert_eq!(cast["total"], WRITERS);
}
