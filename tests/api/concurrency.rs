//! Concurrent writers: every acknowledged write is stored, none fails with "database locked".

use casting_agency::model::Role;
use reqwest::Method;
use serde_json::json;

use crate::support::{Options, TestApp, TestDb, status_json};

crate::on_both_databases!(fifty_concurrent_posts_are_all_stored);

async fn fifty_concurrent_posts_are_all_stored(db: TestDb) {
    let app = std::sync::Arc::new(TestApp::start(db, Options::default()).await);
    let token = app.token(Role::Director);
    let tasks: Vec<_> = (0..50)
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
    assert_eq!(ids.len(), 50, "ids must be distinct");
    let (_, listed) = status_json(app.get("/actors", Role::Assistant).await).await;
    assert_eq!(listed["all_actors"], 50);
    assert_eq!(listed["actors"].as_array().unwrap().len(), 50);
}
