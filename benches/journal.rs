//! The change journal at scale: seeds 1,000,000 changes, then times pages of the activity
//! feed (`GET /changes`, with each filter) and of a record's history through the service
//! layer (the code path of the REST API and the web app), on SQLite and, when reachable,
//! PostgreSQL. Prints p50/p95; asserts nothing. Target: a page in ≤ 20 ms p95 on both.
//!
//! Run with `make bench-journal` (release build).

use std::time::{Duration, Instant};

use casting_agency::{
    model::{Role, query::Page},
    server::{
        db::{
            Db,
            journal::{Action, Entity},
        },
        service::{ChangeQuery, Service},
    },
};

const CHANGES: i64 = 1_000_000;
const RUNS: usize = 40;

mod support;

#[tokio::main]
async fn main() {
    support::on_both_databases(|label, url| async move { run(label, &url).await }).await;
}

async fn run(label: &str, url: &str) {
    let db = Db::connect(url, 4, Duration::from_secs(5)).await.expect("database");
    let seeded = Instant::now();
    seed(&db).await;
    println!("\n{label}: seeded {CHANGES} changes in {:.1} s", seeded.elapsed().as_secs_f64());
    let svc = Service::new(db);
    let producer = support::signed_in(Role::Producer).await;

    let query = |page: i64| ChangeQuery {
        entity: None,
        action: None,
        by: None,
        since: None,
        batch: None,
        page: Page { page, per_page: 20 },
    };
    type Case = (&'static str, ChangeQuery, Option<i64>);
    let cases: Vec<Case> = vec![
        ("feed, page 1", query(1), None),
        ("feed, page 500", query(500), None),
        ("feed, entity=movie", ChangeQuery { entity: Some(Entity::Movie), ..query(1) }, None),
        ("feed, action=delete", ChangeQuery { action: Some(Action::Delete), ..query(1) }, None),
        ("feed, by=user-7", ChangeQuery { by: Some("user-7".into()), ..query(1) }, None),
        ("feed, since=999,000", ChangeQuery { since: Some(CHANGES - 1000), ..query(1) }, None),
        ("history of actor 1", query(1), Some(1)),
    ];
    println!(
        "{:<28} {:>10} {:>10} {:>10} {:>10}",
        "page of 20", "p50 ms", "p95 ms", "rows", "total"
    );
    for (what, query, actor) in cases {
        let mut times = Vec::with_capacity(RUNS);
        let (mut rows, mut total) = (0, 0);
        for _ in 0..RUNS {
            let started = Instant::now();
            let listing = match actor {
                Some(id) => svc.actor_history(&producer, id, query.clone()).await.unwrap(),
                None => svc.changes(&producer, query.clone()).await.unwrap(),
            };
            times.push(started.elapsed());
            (rows, total) = (listing.items.len(), listing.total);
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{what:<28} {:>10.2} {:>10.2} {rows:>10} {total:>10}",
            ms(times[RUNS / 2]),
            ms(times[RUNS * 95 / 100])
        );
    }
}

/// 1,000,000 changes, 1,000 rows per INSERT: 45% actors, 25% movies, 30% castings, over
/// 10,000 records each and 20 people, with before/after JSON of a realistic size.
async fn seed(db: &Db) {
    for batch in 0..(CHANGES / 1000) {
        let mut sql = String::from(
            "INSERT INTO changes (at, by_sub, by_name, entity, entity_id, actor_id, action, \
             before_json, after_json) VALUES ",
        );
        for i in 0..1000 {
            let n = batch * 1000 + i;
            let at = format!("2026-01-01T00:00:00.{n:09}Z");
            let who = n % 20;
            let id = (n * 7919) % 10_000 + 1;
            let (entity, actor, action) = match n % 20 {
                0..=8 => (
                    "actor",
                    "NULL".to_owned(),
                    ["create", "update", "update", "delete"][(n % 4) as usize],
                ),
                9..=13 => (
                    "movie",
                    "NULL".to_owned(),
                    ["create", "update", "delete", "restore"][(n % 4) as usize],
                ),
                _ => (
                    "casting",
                    ((n * 31) % 10_000 + 1).to_string(),
                    ["cast", "recast", "uncast"][(n % 3) as usize],
                ),
            };
            let record = format!(
                "'{{\"id\":{id},\"name\":\"Actor {id}\",\"age\":{},\"gender\":\"female\",\"version\":{}}}'",
                20 + n % 50,
                1 + n % 9
            );
            sql.push_str(&format!(
                "{}('{at}', 'user-{who}', 'User {who}', '{entity}', {id}, {actor}, '{action}', {record}, {record})",
                if i == 0 { "" } else { ", " },
            ));
        }
        let mut tx = db.begin_write().await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut **tx).await.unwrap();
        tx.commit().await.unwrap();
    }
    // As a deployment would have the table: PostgreSQL's autovacuum vacuums (PostgreSQL 13+
    // also after inserts alone, so index-only scans skip the heap) and analyses it.
    let mut conn = db.pool().acquire().await.unwrap();
    let maintain = match db.backend() {
        casting_agency::server::db::Backend::Postgres => "VACUUM (ANALYZE) changes",
        casting_agency::server::db::Backend::Sqlite => "ANALYZE",
    };
    sqlx::query(maintain).execute(&mut *conn).await.unwrap();
}
