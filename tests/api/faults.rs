//! Breaking things on purpose: a slow or dead issuer, two instances on one PostgreSQL,
//! slowloris clients and oversized request heads.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use casting_agency::{model::Role, server::auth::signing::SigningKey};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::support::{Options, TestApp, TestDb, expect_error, status_json};

crate::on_both_databases!(slow_or_dead_jwks_never_blocks_known_tokens);

/// The issuer becomes slow (longer than the fetch timeout), then dead. Tokens with a cached kid
/// keep working at full speed throughout; a token with a new kid waits at most the fetch
/// timeout and is refused with 401, never 500.
async fn slow_or_dead_jwks_never_blocks_known_tokens(db: TestDb) {
    let app = Arc::new(TestApp::start(db, Options::default()).await);
    assert_eq!(app.get("/actors", Role::Assistant).await.status(), 200);
    let stranger = SigningKey::generate().unwrap();
    let new_kid = stranger.sign(&app.claims(Role::Producer));

    for (what, slow) in [("slow", true), ("dead", false)] {
        if slow {
            app.jwks.set_delay(Duration::from_secs(6));
        } else {
            app.jwks.set_delay(Duration::ZERO);
            app.jwks.set_failing(true);
        }
        tokio::time::sleep(Duration::from_millis(400)).await; // past the refetch cooldown
        let waiting = {
            let (app, token) = (app.clone(), new_kid.clone());
            tokio::spawn(async move {
                let started = Instant::now();
                let res = app.request(Method::GET, "/actors", Some(&token)).send().await.unwrap();
                (res, started.elapsed())
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await; // the fetch is under way
        for _ in 0..20 {
            let started = Instant::now();
            assert_eq!(app.get("/actors", Role::Assistant).await.status(), 200, "{what}");
            assert!(started.elapsed() < Duration::from_millis(500), "{what}: a known kid waited");
        }
        let (res, took) = waiting.await.unwrap();
        expect_error(res, 401, "invalid_header").await;
        // The app's fetch timeout is 2 s in tests.
        assert!(took < Duration::from_millis(2_800), "{what}: new kid took {took:?}");
    }
}

/// The scale-out story: stateless instances on one PostgreSQL see each other's writes at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    let url = db.url();
    let a = Arc::new(TestApp::start(db, Options::default()).await);
    let options = Options { database_url: Some(url), ..Options::default() };
    let b = Arc::new(TestApp::start(TestDb::sqlite(), options).await);

    let actor = a.seed_actor("Seen by both").await;
    let (status, body) =
        status_json(b.get(&format!("/actors/{actor}"), Role::Assistant).await).await;
    assert_eq!((status, body["actor"]["name"].as_str()), (200, Some("Seen by both")));

    let res = b
        .send_json(Method::PATCH, &format!("/actors/{actor}"), Role::Director, json!({"age": 77}))
        .await;
    assert_eq!(res.status(), 200);
    let (_, body) = status_json(a.get(&format!("/actors/{actor}"), Role::Assistant).await).await;
    assert_eq!(body["actor"]["age"], 77, "no stale read after a write through the other instance");

    let movie = b.seed_movie("Shared").await;
    let res = a
        .send_json(
            Method::PUT,
            &format!("/movies/{movie}/actors/{actor}"),
            Role::Producer,
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let (_, cast) =
        status_json(b.get(&format!("/movies/{movie}/actors"), Role::Assistant).await).await;
    assert_eq!(cast["actors"][0]["id"], actor);

    // Writes through both at once: every one stored, once.
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let app = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move {
                let body = json!({"name": format!("Both {i}"), "age": 30, "gender": "x"});
                app.send_json(Method::POST, "/actors", Role::Director, body).await.status()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    for app in [&a, &b] {
        let (_, listed) = status_json(app.get("/actors?q=both", Role::Assistant).await).await;
        assert_eq!(listed["all_actors"], 41);
    }

    let res = b
        .request(Method::DELETE, &format!("/actors/{actor}"), Some(&b.token(Role::Director)))
        .send()
        .await
        .unwrap();
    let (_, gone) = status_json(res).await;
    assert_eq!(gone["assignments_removed"], 1);
    expect_error(a.get(&format!("/actors/{actor}"), Role::Assistant).await, 404, "not_found").await;
}

/// Slowloris: many connections trickling a request head. Each is closed once the header-read
/// timeout (1 s here) passes, and real requests are served meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowloris_connections_are_cut_and_the_server_stays_responsive() {
    let app = TestApp::start(
        TestDb::sqlite(),
        Options { header_read_timeout: Some(Duration::from_secs(1)), ..Options::default() },
    )
    .await;
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(app.addr).await.unwrap();
        stream.write_all(b"GET /actors HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(stream);
    }
    let started = Instant::now();
    // Keep trickling, a header line every 200 ms, while real requests come in.
    let trickle = tokio::spawn(async move {
        let mut closed = 0;
        let mut alive: Vec<_> = slow.into_iter().map(Some).collect();
        for round in 0..15 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            for slot in alive.iter_mut() {
                let Some(stream) = slot else { continue };
                if stream.write_all(format!("X-Slow-{round}: 1\r\n").as_bytes()).await.is_err() {
                    *slot = None;
                    closed += 1;
                }
            }
        }
        // Whatever is still open must read EOF (or a reset): the server hung up.
        for stream in alive.into_iter().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 512];
            let read = tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await;
            if matches!(read, Ok(Ok(_)) | Ok(Err(_))) {
                closed += 1;
            }
        }
        closed
    });
    for _ in 0..10 {
        let t = Instant::now();
        assert_eq!(app.get("/actors", Role::Assistant).await.status(), 200);
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "a real request waited {:?}",
            t.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let closed = trickle.await.unwrap();
    assert_eq!(closed, 200, "every slow connection was cut");
    assert!(started.elapsed() < Duration::from_secs(6));
}

/// A request head over the 64 KiB limit is answered 431 without reaching the app, and the
/// server goes on serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_request_heads_are_refused() {
    let app = TestApp::start(TestDb::sqlite(), Options::default()).await;
    for size in [70_000, 1_000_000] {
        let mut stream = TcpStream::connect(app.addr).await.unwrap();
        let head =
            format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(size));
        // The server may hang up before it has read everything; that is fine.
        let _ = stream.write_all(head.as_bytes()).await;
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 431"), "{size} bytes: {answer:.80}");
    }
    // Many headers, each small, count the same.
    let res = app
        .client
        .get(app.url("/healthz"))
        .headers(
            (0..2_000)
                .map(|i| (format!("x-h{i}").parse().unwrap(), "v".repeat(30).parse().unwrap()))
                .collect(),
        )
        .send()
        .await;
    assert!(res.map(|r| r.status() == 431).unwrap_or(true), "many headers: not served");
    let (status, body): (u16, Value) =
        status_json(app.client.get(app.url("/healthz")).send().await.unwrap()).await;
    assert_eq!((status, &body["status"]), (200, &json!("ok")));
}
