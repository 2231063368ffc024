//! The read cache (on for SQLite) never serves a stale answer: every write is visible to the
//! very next read, even while other clients keep the same answers hot in the cache. And no
//! second server can open the SQLite file behind the first one's cache.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use casting_agency::{model::Role, server::db::Db};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Options, TestApp, TestDb, status_json};

crate::on_both_databases!(
    every_write_is_seen_by_the_next_read_while_readers_keep_the_cache_hot,
    a_repeated_read_is_answered_from_memory,
);

const ROUNDS: usize = 40;

async fn every_write_is_seen_by_the_next_read_while_readers_keep_the_cache_hot(db: TestDb) {
    let app = Arc::new(TestApp::start(db, Options::default()).await);
    let movie = app.seed_movie("Ensemble").await;
    let first = app.seed_actor("Resident").await;

    // Readers asking exactly what the writer checks, as fast as they can: their answers are
    // cached between the writer's writes, and some of their loads race the writes.
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (app, stop) = (app.clone(), stop.clone());
            tokio::spawn(async move {
                let paths = [
                    "/actors".to_owned(),
                    format!("/actors/{first}"),
                    format!("/movies/{movie}/actors"),
                    format!("/actors/{first}/movies"),
                    "/actors?sort=-id&per_page=5".to_owned(),
                ];
                let mut reads = 0;
                while !stop.load(Ordering::Relaxed) {
                    for path in &paths {
                        let res = app.get(path, Role::Assistant).await;
                        assert_eq!(res.status(), 200, "{path}");
                        reads += 1;
                    }
                }
                reads
            })
        })
        .collect();

    let producer = app.token(Role::Producer);
    let send = |method: Method, path: String, body: Option<Value>| {
        let (app, token) = (app.clone(), producer.clone());
        async move {
            let mut req = app.request(method, &path, Some(&token));
            if let Some(body) = body {
                req = req.json(&body);
            }
            let (status, body) = status_json(req.send().await.unwrap()).await;
            assert_eq!(status, 200, "{path}: {body}");
            body
        }
    };
    let read = |path: String| {
        let app = app.clone();
        async move { status_json(app.get(&path, Role::Assistant).await).await }
    };

    for round in 0..ROUNDS {
        let name = format!("Round {round}");
        let created = send(
            Method::POST,
            "/actors".into(),
            Some(json!({"name": name, "age": 30, "gender": "other"})),
        )
        .await;
        let id = created["created"].as_i64().unwrap();
        let (_, list) = read("/actors".into()).await;
        assert_eq!(list["all_actors"], round as i64 + 2, "round {round}: {list}");
        let (_, newest) = read("/actors?sort=-id&per_page=5".into()).await;
        assert_eq!(newest["actors"][0]["id"], id, "round {round}: newest first");

        // The resident actor changes age every round; the list and the detail follow.
        let age = 20 + round as i64;
        send(Method::PATCH, format!("/actors/{first}"), Some(json!({"age": age}))).await;
        let (_, shown) = read(format!("/actors/{first}")).await;
        assert_eq!(shown["actor"]["age"], age, "round {round}");
        let (_, list) = read("/actors".into()).await;
        assert_eq!(list["actors"][0]["age"], age, "round {round}");

        // Casting shows on both sides at once, and goes with a delete.
        send(Method::PUT, format!("/movies/{movie}/actors/{id}"), None).await;
        let (_, cast) = read(format!("/movies/{movie}/actors")).await;
        assert_eq!(cast["total"], 1, "round {round}: {cast}");
        let (_, credits) = read(format!("/actors/{id}/movies")).await;
        assert_eq!(credits["total"], 1, "round {round}: {credits}");
        send(Method::DELETE, format!("/actors/{id}"), None).await;
        let (status, _) = read(format!("/actors/{id}")).await;
        assert_eq!(status, 404, "round {round}: a deleted actor is gone");
        let (_, cast) = read(format!("/movies/{movie}/actors")).await;
        assert_eq!(cast["total"], 0, "round {round}: {cast}");
        let (_, list) = read("/actors".into()).await;
        assert_eq!(list["all_actors"], round as i64 + 1, "round {round}");
        // Keep one created actor per round for the count above.
        send(
            Method::POST,
            "/actors".into(),
            Some(json!({"name": format!("Kept {round}"), "age": 40, "gender": "other"})),
        )
        .await;
    }
    stop.store(true, Ordering::Relaxed);
    for reader in readers {
        let reads = reader.await.unwrap();
        assert!(reads > 0, "the readers ran alongside");
    }
}

/// SQLite serves one server process; a second one on the same file would write behind the
/// first one's read cache, so it must not start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_sqlite_file_refuses_to_start() {
    let db = TestDb::sqlite();
    let url = db.url();
    let app = TestApp::start(db, Options::default()).await;
    let err = Db::connect(&url, 2, Duration::from_secs(1)).await.unwrap_err();
    assert!(err.to_string().contains("in use by another Casting Agency server"), "{err}");
    assert_eq!(app.get("/actors", Role::Assistant).await.status(), 200);
}

/// On PostgreSQL every instance caches, and none serves a stale answer: a write through
/// another instance, or straight into the database with SQL (another tool), is seen by the
/// very next read, while readers keep this instance's cache hot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_writes_elsewhere_are_seen_by_the_next_read() {
    use sqlx::Connection;
    let Some(db) = TestDb::postgres().await else { return };
    let url = db.url();
    let writer = Arc::new(TestApp::start(db, Options::default()).await);
    let options = Options { database_url: Some(url.clone()), ..Options::default() };
    let reader = Arc::new(TestApp::start(TestDb::sqlite(), options).await);
    let mut sql = sqlx::AnyConnection::connect(&url).await.unwrap();
    let resident = writer.seed_actor("Resident").await;

    let stop = Arc::new(AtomicBool::new(false));
    let hammer: Vec<_> = (0..3)
        .map(|_| {
            let (app, stop) = (reader.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    for path in ["/actors".to_owned(), format!("/actors/{resident}")] {
                        assert_eq!(app.get(&path, Role::Assistant).await.status(), 200, "{path}");
                    }
                }
            })
        })
        .collect();
    let read = |path: String| {
        let app = reader.clone();
        async move { status_json(app.get(&path, Role::Assistant).await).await.1 }
    };

    for round in 0..ROUNDS as i64 {
        // Through the other instance.
        let res = writer
            .send_json(
                Method::PATCH,
                &format!("/actors/{resident}"),
                Role::Director,
                json!({"age": 20 + round}),
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(read(format!("/actors/{resident}")).await["actor"]["age"], 20 + round);
        assert_eq!(read("/actors".into()).await["actors"][0]["age"], 20 + round, "round {round}");

        // Behind every instance's back.
        let name = format!("Typed in psql {round}");
        sqlx::query("UPDATE actors SET name = $1 WHERE id = $2")
            .bind(&name)
            .bind(resident)
            .execute(&mut sql)
            .await
            .unwrap();
        assert_eq!(read(format!("/actors/{resident}")).await["actor"]["name"], name.as_str());
        assert_eq!(read("/actors".into()).await["actors"][0]["name"], name.as_str());
    }
    stop.store(true, Ordering::Relaxed);
    for task in hammer {
        task.await.unwrap();
    }
    // Proof that the cache is on in this set-up.
    assert_answered_from_memory(&reader, &format!("/actors/{resident}")).await;
}

/// The cache is really used on both databases: the same question asked again with no write
/// in between is answered from memory. (On PostgreSQL any commit anywhere on the server moves
/// the snapshot, and other tests write all the time, so it may take a few tries.)
async fn a_repeated_read_is_answered_from_memory(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    app.seed_actor("Once").await;
    assert_answered_from_memory(&app, "/actors").await;
}

/// Reads `path` until one read is a cache hit (10 s at most), checking every answer.
pub async fn assert_answered_from_memory(app: &TestApp, path: &str) {
    let cache = app.core.service.cache();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let before = cache.hits();
        let (status, body) = status_json(app.get(path, Role::Assistant).await).await;
        assert_eq!((status, body["success"].as_bool()), (200, Some(true)), "{body}");
        if cache.hits() > before {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{path} was never answered from memory");
    }
}

/// One snapshot probe serves every read that arrives while the previous one runs: many
/// concurrent reads cost far fewer round trips than reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_share_snapshot_probes() {
    let Some(db) = TestDb::postgres().await else { return };
    let app = Arc::new(TestApp::start(db, Options::default()).await);
    app.seed_actor("Popular").await;
    let db = app.core.service.db();
    const READS: usize = 200;
    let before = db.snapshot_probes().unwrap();
    let reads: Vec<_> = (0..READS)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { app.get("/actors", Role::Assistant).await.status() })
        })
        .collect();
    for read in reads {
        assert_eq!(read.await.unwrap(), 200);
    }
    let probes = db.snapshot_probes().unwrap() - before;
    eprintln!("{READS} concurrent reads took {probes} snapshot probes");
    assert!(probes > 0, "every read checks the snapshot");
    assert!(probes * 4 <= READS as u64, "{probes} probes for {READS} reads: not shared");
}

/// A failed snapshot probe ends what the cache knew: whatever happened while the database was
/// out of reach (a restart, a restore, a failover to a standby with another history), the
/// first answer after it is read from the database again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_an_outage_the_cache_starts_over() {
    use crate::support::TcpProxy;
    let Some(db) = TestDb::postgres().await else { return };
    let proxy = TcpProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let url = format!("postgres://postgres@{}/{}", proxy.addr, db.pg_name().unwrap());
    let app = TestApp::start(db, Options { database_url: Some(url), ..Options::default() }).await;
    app.seed_actor("Remembered").await;
    assert_answered_from_memory(&app, "/actors").await;

    proxy.cut();
    let res = app.get("/actors", Role::Assistant).await;
    assert_eq!(res.status(), 503, "no answer from memory while the snapshot cannot be checked");
    proxy.restore().await;
    let cache = app.core.service.cache();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let before = cache.hits();
        let res = app.get("/actors", Role::Assistant).await;
        if res.status() == 200 {
            assert_eq!(cache.hits(), before, "the first answer after the outage came from memory");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "no recovery: {}", res.status());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_answered_from_memory(&app, "/actors").await;
}
