//! Live updates (`GET /events`, issue 15): writes reach open streams within a second, on one
//! instance or across instances sharing PostgreSQL; a reconnecting client is replayed exactly
//! what it missed; streams carry only what the caller may read, are limited in number, end
//! when the token expires or the client reads too slowly. Real HTTP, both databases.

use std::time::{Duration, Instant};

use casting_agency::model::Role;
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::support::{Options, TestApp, TestDb, status_json};

crate::on_both_databases!(
    writes_reach_the_stream_and_a_reconnect_replays_what_was_missed,
    streams_carry_only_what_the_caller_may_read,
    streams_are_limited_and_slots_come_back,
    an_expired_token_ends_the_stream,
    too_much_missed_is_one_resync,
    a_far_back_reconnect_is_a_resync_without_scanning_the_journal,
    a_client_that_stops_reading_is_dropped,
);

/// One Server-Sent Event.
#[derive(Debug, Clone)]
pub struct Sse {
    pub event: String,
    pub id: Option<String>,
    pub data: Value,
}

/// An open event stream, read event by event.
pub struct EventStream {
    response: Response,
    buffer: String,
}

impl EventStream {
    pub async fn open(app: &TestApp, token: &str, last_event_id: Option<i64>) -> EventStream {
        let mut request = app.request(Method::GET, "/events", Some(token));
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "{:?}", response.headers());
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        EventStream { response, buffer: String::new() }
    }

    /// The next event (heartbeat comments skipped), or `None` when the stream ended or
    /// nothing came within `patience`.
    pub async fn next_within(&mut self, patience: Duration) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut sse = Sse { event: "message".into(), id: None, data: Value::Null };
                let mut data = String::new();
                for line in block.lines() {
                    match line.split_once(':') {
                        Some(("event", v)) => sse.event = v.trim().to_owned(),
                        Some(("id", v)) => sse.id = Some(v.trim().to_owned()),
                        Some(("data", v)) => data.push_str(v.trim_start()),
                        _ => {}
                    }
                }
                if data.is_empty() && sse.id.is_none() && sse.event == "message" {
                    continue; // a comment (heartbeat)
                }
                sse.data = serde_json::from_str(&data).unwrap_or(Value::String(data));
                return Some(sse);
            }
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Ok(Ok(Some(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(_) | Err(_) => return None,
            }
        }
    }

    pub async fn next(&mut self) -> Sse {
        self.next_within(Duration::from_secs(1)).await.expect("an event within 1 s")
    }

    /// The next `change` event: its change id and entry.
    pub async fn change(&mut self) -> (i64, Value) {
        let sse = self.next().await;
        assert_eq!(sse.event, "change", "{sse:?}");
        let id: i64 = sse.id.as_deref().unwrap().parse().unwrap();
        assert_eq!(sse.data["id"], id, "the event id is the change id");
        (id, sse.data)
    }
}

async fn create_actor(app: &TestApp, name: &str) -> i64 {
    let body = json!({"name": name, "age": 30, "gender": "f"});
    let (status, created) =
        status_json(app.send_json(Method::POST, "/actors", Role::Director, body).await).await;
    assert_eq!(status, 200, "{created}");
    created["created"].as_i64().unwrap()
}

async fn writes_reach_the_stream_and_a_reconnect_replays_what_was_missed(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let token = app.token(Role::Assistant);
    let mut stream = EventStream::open(&app, &token, None).await;
    let ready = stream.next().await;
    assert_eq!(ready.event, "ready");

    let started = Instant::now();
    let actor = create_actor(&app, "Live One").await;
    let (first, entry) = stream.change().await;
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(
        (&entry["entity"], &entry["entity_id"], &entry["action"], &entry["after"]["name"]),
        (&json!("actor"), &json!(actor), &json!("create"), &json!("Live One"))
    );
    let path = format!("/actors/{actor}");
    let res = app.send_json(Method::PATCH, &path, Role::Director, json!({"age": 31})).await;
    assert_eq!(res.status(), 200);
    let (second, entry) = stream.change().await;
    assert_eq!((second > first, &entry["action"]), (true, &json!("update")));
    drop(stream);

    // Missed while away: replayed in order, once each, then live again.
    let missed = [create_actor(&app, "Away A").await, create_actor(&app, "Away B").await];
    let res = app.request(Method::DELETE, &path, Some(&app.token(Role::Director))).send().await;
    assert_eq!(res.unwrap().status(), 200);
    let mut stream = EventStream::open(&app, &token, Some(second)).await;
    assert_eq!(stream.next().await.event, "ready");
    let mut replayed = Vec::new();
    for _ in 0..3 {
        replayed.push(stream.change().await);
    }
    let ids: Vec<i64> = replayed.iter().map(|(id, _)| *id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]) && ids[0] > second, "{ids:?}");
    let what: Vec<(Value, Value)> =
        replayed.iter().map(|(_, e)| (e["entity_id"].clone(), e["action"].clone())).collect();
    assert_eq!(
        what,
        [
            (json!(missed[0]), json!("create")),
            (json!(missed[1]), json!("create")),
            (json!(actor), json!("delete"))
        ]
    );
    let after = create_actor(&app, "Back Live").await;
    let (id, entry) = stream.change().await;
    assert_eq!((id > ids[2], &entry["entity_id"]), (true, &json!(after)));
    assert!(stream.next_within(Duration::from_millis(300)).await.is_none(), "no duplicates");
}

async fn streams_carry_only_what_the_caller_may_read(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let mut claims = app.claims(Role::Assistant);
    claims["permissions"] = json!(["get:movies"]);
    let movies_only = app.key.sign(&claims);
    let mut stream = EventStream::open(&app, &movies_only, None).await;
    assert_eq!(stream.next().await.event, "ready");
    let actor = create_actor(&app, "Unseen").await;
    let movie = app.seed_movie("Seen").await;
    let cast = format!("/movies/{movie}/actors/{actor}");
    assert_eq!(app.send_json(Method::PUT, &cast, Role::Director, json!({})).await.status(), 200);
    let (_, entry) = stream.change().await;
    assert_eq!((&entry["entity"], &entry["entity_id"]), (&json!("movie"), &json!(movie)));
    assert!(
        stream.next_within(Duration::from_millis(500)).await.is_none(),
        "neither the actor nor the casting is sent to a caller who may not read actors"
    );

    claims["permissions"] = json!([]);
    let res = app.request(Method::GET, "/events", Some(&app.key.sign(&claims))).send().await;
    assert_eq!(res.unwrap().status(), 403);
    let res = app.request(Method::GET, "/events", None).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = app
        .request(Method::GET, "/events", Some(&app.token(Role::Assistant)))
        .header("Last-Event-ID", "yesterday")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!((status, &body["code"]), (400, &json!("invalid_last_event_id")));
}

async fn streams_are_limited_and_slots_come_back(db: TestDb) {
    let options =
        Options { event_streams: Some((2, Duration::from_millis(200))), ..Options::default() };
    let app = TestApp::start(db, options).await;
    let token = app.token(Role::Assistant);
    let first = EventStream::open(&app, &token, None).await;
    let _second = EventStream::open(&app, &token, None).await;
    let res = app.request(Method::GET, "/events", Some(&token)).send().await.unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "10");
    let (_, body) = status_json(res).await;
    assert_eq!(body["code"], "too_many_streams", "{body}");

    // A client that goes away gives its slot back (noticed at the latest on the next
    // heartbeat).
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let res = app.request(Method::GET, "/events", Some(&token)).send().await.unwrap();
        if res.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the slot did not come back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn an_expired_token_ends_the_stream(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let mut claims = app.claims(Role::Assistant);
    claims["exp"] = json!(crate::support::now() + 2);
    let mut stream = EventStream::open(&app, &app.key.sign(&claims), None).await;
    assert_eq!(stream.next().await.event, "ready");
    let ended = stream.next_within(Duration::from_secs(4)).await.expect("an event at expiry");
    assert_eq!(
        (ended.event.as_str(), &ended.data),
        ("expired", &json!({"reason": "token_expired"}))
    );
    assert!(stream.next_within(Duration::from_secs(1)).await.is_none(), "the stream ended");
}

/// Appends `n` journal entries straight into the database (as the API would, faster).
async fn append_changes(app: &TestApp, n: usize, payload_bytes: usize) {
    let payload = format!("'{{\"note\":\"{}\"}}'", "x".repeat(payload_bytes));
    let mut tx = app.core.service.db().begin_write().await.unwrap();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|i| {
                format!(
                    "('2026-01-01T00:00:00.000000000Z', 'tool', 'actor', {}, 'update', {payload}, {payload})",
                    i + 1
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO changes (at, by_sub, entity, entity_id, action, before_json, after_json) \
             VALUES {}",
            rows.join(", ")
        );
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut **tx).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// A caller who reads movies only, reconnecting from long ago: none of the 21,000 entries since
/// (all actors) is theirs, but looking for theirs would scan them all; past `REPLAY_SCAN` ids it
/// is a `resync` at once.
async fn a_far_back_reconnect_is_a_resync_without_scanning_the_journal(db: TestDb) {
    use casting_agency::server::service::live::REPLAY_SCAN;
    let app = TestApp::start(db, Options::default()).await;
    append_changes(&app, REPLAY_SCAN as usize + 1000, 0).await;
    let mut claims = app.claims(Role::Assistant);
    claims["permissions"] = json!(["get:movies"]);
    let movies_only = app.key.sign(&claims);
    let (_, feed) = status_json(app.get("/changes?per_page=1", Role::Assistant).await).await;
    let latest = feed["changes"][0]["id"].as_i64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    // Once the feed has caught up with them:
    while EventStream::open(&app, &movies_only, None).await.next().await.data["latest"] != latest {
        assert!(Instant::now() < deadline, "the feed did not catch up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut stream = EventStream::open(&app, &movies_only, Some(0)).await;
    assert_eq!(stream.next().await.event, "ready");
    let resync = stream.next().await;
    assert_eq!((resync.event.as_str(), &resync.data["latest"]), ("resync", &json!(latest)));
}

async fn too_much_missed_is_one_resync(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    append_changes(&app, 1001, 10).await;
    let token = app.token(Role::Assistant);
    // Wait until the feed has caught up with them.
    let (_, feed) = status_json(app.get("/changes?per_page=1", Role::Assistant).await).await;
    let latest = feed["changes"][0]["id"].as_i64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut stream = loop {
        let mut stream = EventStream::open(&app, &token, None).await;
        let ready = stream.next().await;
        if ready.data["latest"] == latest {
            break stream;
        }
        assert!(Instant::now() < deadline, "the feed did not catch up: {ready:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    drop(stream);
    stream = EventStream::open(&app, &token, Some(0)).await;
    assert_eq!(stream.next().await.event, "ready");
    let resync = stream.next().await;
    assert_eq!((resync.event.as_str(), &resync.data["latest"]), ("resync", &json!(latest)));
    assert_eq!(resync.id, Some(latest.to_string()));
    // Exactly 1,000 missed still replay.
    let mut stream = EventStream::open(&app, &token, Some(latest - 1000)).await;
    assert_eq!(stream.next().await.event, "ready");
    assert_eq!(stream.change().await.0, latest - 999);
}

async fn a_client_that_stops_reading_is_dropped(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let live = app.core.service.live().expect("live updates run").clone();
    // Opened, then never read again.
    let stream = EventStream::open(&app, &app.token(Role::Assistant), None).await;
    assert_eq!(live.open_streams(), 1);
    // Far more than the socket buffers and the feed's buffer can hold: 40 MB of entries.
    for _ in 0..4 {
        append_changes(&app, 5000, 2000).await;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while live.open_streams() > 0 {
        assert!(Instant::now() < deadline, "the stalled stream was not dropped");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(stream);
}

/// Two instances on one PostgreSQL: a write through A reaches a stream on B within 1 s, and
/// B's stream also follows writes made while a burst of concurrent writers on A commit in any
/// order (none lost, none twice, in id order).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_write_through_one_instance_reaches_the_streams_of_another() {
    let Some(db) = TestDb::postgres().await else { return };
    let url = db.url();
    let a = std::sync::Arc::new(TestApp::start(db, Options::default()).await);
    let options = Options { database_url: Some(url), ..Options::default() };
    let b = TestApp::start(TestDb::sqlite(), options).await;
    let mut stream = EventStream::open(&b, &b.token(Role::Assistant), None).await;
    assert_eq!(stream.next().await.event, "ready");

    for round in 0..5 {
        let started = Instant::now();
        let actor = create_actor(&a, &format!("From A {round}")).await;
        let (_, entry) = stream.change().await;
        assert_eq!(entry["entity_id"], actor);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "round {round}: {took:?}");
    }

    let writers: Vec<_> = (0..40)
        .map(|i| {
            let a = a.clone();
            tokio::spawn(async move { create_actor(&a, &format!("Burst {i}")).await })
        })
        .collect();
    let mut created = Vec::new();
    for writer in writers {
        created.push(writer.await.unwrap());
    }
    let mut seen = Vec::new();
    let mut ids = Vec::new();
    while seen.len() < created.len() {
        let (id, entry) = stream.change().await;
        ids.push(id);
        seen.push(entry["entity_id"].as_i64().unwrap());
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in id order, once each: {ids:?}");
    seen.sort();
    created.sort();
    assert_eq!(seen, created);
}
