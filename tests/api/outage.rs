//! The database goes away and comes back: 503 JSON meanwhile (never a driver message, never a
//! hang past the acquire timeout), and recovery without restarting the app.

use std::time::{Duration, Instant};

use casting_agency::model::Role;

use crate::support::{Options, TcpProxy, TestApp, TestDb, expect_error};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_is_503_then_recovers() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    // The app reaches PostgreSQL through a proxy the test can cut.
    let proxy = TcpProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let name = db.pg_name().unwrap().to_owned();
    let url = format!("postgres://postgres@{}/{name}", proxy.addr);
    let app = TestApp::start(db, Options { database_url: Some(url), ..Options::default() }).await;
    let id = app.seed_actor("Survivor").await;

    proxy.cut();
    let started = Instant::now();
    let body =
        expect_error(app.get("/actors", Role::Assistant).await, 503, "database_unavailable").await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "503 must come within the acquire timeout"
    );
    let message = body["message"].as_str().unwrap();
    assert!(
        !message.contains("127.0.0.1") && !message.contains(&name),
        "driver detail leaked: {message}"
    );
    expect_error(
        app.client.get(app.url("/readyz")).send().await.unwrap(),
        503,
        "database_unavailable",
    )
    .await;
    let write = app
        .send_json(
            reqwest::Method::POST,
            "/actors",
            Role::Director,
            serde_json::json!({"name": "Lost?", "age": 1, "gender": "x"}),
        )
        .await;
    expect_error(write, 503, "database_unavailable").await;

    // Back up: the same app serves again within seconds, and nothing acknowledged was lost.
    proxy.restore().await;
    let back = Instant::now();
    loop {
        let res = app.get(&format!("/actors/{id}"), Role::Assistant).await;
        if res.status() == 200 {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(5),
            "not recovered within 5 s: {}",
            res.status()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status(), 200);
    let listed: serde_json::Value = app.get("/actors", Role::Assistant).await.json().await.unwrap();
    assert_eq!(
        listed["all_actors"], 1,
        "the refused write was not applied, the acknowledged one kept"
    );
}
