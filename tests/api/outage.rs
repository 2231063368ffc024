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

/// PostgreSQL goes away while 16 clients read and write in a loop (like a restart under load).
/// Every answer is a 200 or a 503 JSON error, none waits past the acquire timeout, everything
/// succeeds again within 5 s of PostgreSQL's return, and every acknowledged write is there.
/// `OUTAGE_SECONDS` and `LOAD_WORKERS` stretch it (`make soak`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_under_load_loses_no_acknowledged_write() {
    use std::sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    };
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let knob = |name: &str, default: u64| {
        std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let (outage, workers) = (knob("OUTAGE_SECONDS", 3), knob("LOAD_WORKERS", 16));
    let proxy = TcpProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let url = format!("postgres://postgres@{}/{}", proxy.addr, db.pg_name().unwrap());
    let app = Arc::new(
        TestApp::start(db, Options { database_url: Some(url), ..Options::default() }).await,
    );
    let token = app.token(Role::Director);
    let stop = Arc::new(AtomicBool::new(false));
    // (started, finished, status, created id) of every request.
    let log = Arc::new(Mutex::new(Vec::<(Instant, Instant, u16, Option<i64>)>::new()));
    let tasks: Vec<_> = (0..workers)
        .map(|w| {
            let (app, token, stop, log) = (app.clone(), token.clone(), stop.clone(), log.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    let started = Instant::now();
                    let req = if n % 2 == 0 {
                        let body = serde_json::json!({"name": format!("W{w}-{n}"), "age": 30, "gender": "x"});
                        app.request(reqwest::Method::POST, "/actors", Some(&token)).json(&body)
                    } else {
                        app.request(reqwest::Method::GET, "/actors?per_page=10", Some(&token))
                    };
                    let res = req.send().await.unwrap();
                    let status = res.status().as_u16();
                    let body: serde_json::Value = res.json().await.expect("always JSON");
                    if status == 503 {
                        assert_eq!(body["code"], "database_unavailable", "{body}");
                    }
                    let created = body["created"].as_i64();
                    log.lock().unwrap().push((started, Instant::now(), status, created));
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_secs(1)).await;
    proxy.cut();
    tokio::time::sleep(Duration::from_secs(outage)).await;
    proxy.restore().await;
    let restored = Instant::now();
    tokio::time::sleep(Duration::from_secs(7)).await;
    stop.store(true, Ordering::SeqCst);
    for task in tasks {
        task.await.unwrap();
    }

    let log = std::mem::take(&mut *log.lock().unwrap());
    let refused = log.iter().filter(|r| r.2 == 503).count();
    assert!(refused > 0, "the outage was seen");
    for (started, finished, status, _) in log.iter() {
        assert!(*status == 200 || *status == 503, "status {status}");
        assert!(
            *finished - *started < Duration::from_secs(5),
            "a request hung for {:?}",
            *finished - *started
        );
        if *started > restored + Duration::from_secs(5) {
            assert_eq!(*status, 200, "still failing 5 s after PostgreSQL came back");
        }
    }
    let acknowledged: Vec<i64> = log.iter().filter_map(|r| r.3).collect();
    assert!(acknowledged.len() > workers as usize, "writes went through before and after");
    for id in &acknowledged {
        let res = app.get(&format!("/actors/{id}"), Role::Assistant).await;
        assert_eq!(res.status(), 200, "acknowledged write {id} was lost");
    }
}
