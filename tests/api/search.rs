//! Substring search: Unicode case folding on both databases, wildcards taken literally, the
//! SQLite search index kept in step with writes, control characters refused, and writes that
//! stay unaffected by a flood of searches.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use casting_agency::model::Role;
use reqwest::Method;
use serde_json::json;

use crate::support::{Options, TestApp, TestDb, expect_error, status_json};

crate::on_both_databases!(
    search_folds_unicode_case_and_takes_wildcards_literally,
    control_characters_in_searches_are_refused,
    writes_and_plain_reads_stay_served_under_a_search_flood,
);

async fn names(app: &TestApp, path: &str, q: &str) -> Vec<String> {
    let url = format!("{path}?sort=id&q={}", urlencode(q));
    let (status, body) = status_json(app.get(&url, Role::Assistant).await).await;
    assert_eq!(status, 200, "{url}: {body}");
    let (key, field) = if path == "/actors" { ("actors", "name") } else { ("movies", "title") };
    body[key].as_array().unwrap().iter().map(|a| a[field].as_str().unwrap().to_owned()).collect()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn search_folds_unicode_case_and_takes_wildcards_literally(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let mut ids = Vec::new();
    for name in
        ["Émile Zola", "ÉMILE", "emile plain", "Ödön", "100% Real", "under_score", "Quote \"Q\""]
    {
        ids.push(app.seed_actor(name).await);
    }
    app.seed_movie("Amélie").await;
    let search = |q: &'static str| names(&app, "/actors", q);

    assert_eq!(search("émile").await, ["Émile Zola", "ÉMILE"]);
    assert_eq!(search("ÉMI").await, ["Émile Zola", "ÉMILE"]);
    assert_eq!(search("é").await, ["Émile Zola", "ÉMILE"], "one character");
    assert_eq!(search("öD").await, ["Ödön"], "two characters");
    assert_eq!(search("%").await, ["100% Real"]);
    assert_eq!(search("0% r").await, ["100% Real"]);
    assert_eq!(search("_").await, ["under_score"]);
    assert_eq!(search("\"q\"").await, ["Quote \"Q\""]);
    assert_eq!(search("*").await, Vec::<String>::new());
    assert_eq!(names(&app, "/movies", "AMÉ").await, ["Amélie"]);

    // The index follows renames and deletes.
    let res = app
        .send_json(
            Method::PATCH,
            &format!("/actors/{}", ids[0]),
            Role::Producer,
            json!({"name": "Zola"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(search("émile").await, ["ÉMILE"]);
    assert_eq!(search("zol").await, ["Zola"]);
    let res = app.request(
        Method::DELETE,
        &format!("/actors/{}", ids[1]),
        Some(&app.token(Role::Producer)),
    );
    assert_eq!(res.send().await.unwrap().status(), 200);
    assert_eq!(search("émile").await, Vec::<String>::new());
}

/// A NUL in a search was a 500 on PostgreSQL (error 22021); every way in refuses control
/// characters with 422, like bodies.
async fn control_characters_in_searches_are_refused(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    for path in ["/actors?q=%00", "/actors?q=a%00b", "/movies?q=%00", "/actors?q=a%09b"] {
        let body = expect_error(app.get(path, Role::Assistant).await, 422, "invalid_field").await;
        assert_eq!(body["field"], "q", "{path}");
    }
    // The cast picker's server function.
    let res = app
        .request(Method::POST, "/api/actors/search", Some(&app.token(Role::Assistant)))
        .header("accept", "application/json")
        .form(&[("query", "a\0b")])
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!(
        (status, body["status"].as_u64(), body["field"].as_str()),
        (422, Some(422), Some("q"))
    );
}

/// Thirty parallel loops of distinct searches by the lowest role, against a pool of two
/// connections: a producer's writes and plain reads are still served, and promptly (before,
/// they queued behind the searches for the same connections: seconds, or a 503).
async fn writes_and_plain_reads_stay_served_under_a_search_flood(db: TestDb) {
    let options = Options { db_pool: Some((2, Duration::from_millis(1000))), ..Options::default() };
    let app = Arc::new(TestApp::start(db, options).await);
    let seed = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) \
                INSERT INTO actors (name, age, gender) SELECT 'Actor ' || i, i % 100, 'female' FROM n";
    sqlx::query(seed).execute(app.core.service.db().writer()).await.unwrap();

    let deadline = Instant::now() + Duration::from_secs(4);
    let flood: Vec<_> = (0..30)
        .map(|worker| {
            let app = app.clone();
            tokio::spawn(async move {
                let token = app.token(Role::Assistant);
                let mut n = 0u32;
                while Instant::now() < deadline {
                    // Two characters, all different: no cache, no trigram, a scan each time.
                    let q = format!("{}{}", (b'a' + (worker % 26) as u8) as char, n % 10);
                    let url = format!("/actors?q={q}&page={}", n % 50 + 1);
                    let _ = app.request(Method::GET, &url, Some(&token)).send().await;
                    n += 1;
                }
                n
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut slowest = Duration::ZERO;
    for i in 0..15 {
        let started = Instant::now();
        let body = json!({"name": format!("Newcomer {i}"), "age": 30, "gender": "female"});
        let (status, created) =
            status_json(app.send_json(Method::POST, "/actors", Role::Producer, body).await).await;
        assert_eq!(status, 200, "a write under the flood: {created}");
        let id = created["created"].as_i64().unwrap();
        let (status, read) =
            status_json(app.get(&format!("/actors/{id}"), Role::Producer).await).await;
        assert_eq!(status, 200, "a plain read under the flood: {read}");
        slowest = slowest.max(started.elapsed());
    }
    let mut searches = 0;
    for worker in flood {
        searches += worker.await.unwrap();
    }
    println!("{searches} searches ran; slowest write + read under the flood: {slowest:?}");
    // Measured: about 80 ms with the fix; 2.7 s (SQLite) without it, at this size.
    assert!(slowest < Duration::from_secs(1), "a write and read took {slowest:?} under the flood");
}
