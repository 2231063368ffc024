//! List latency at scale: seeds 100,000 actors, then times list, sort, paging and search
//! through the service layer (the code path of both the REST API and the web app), on SQLite
//! and, when reachable, PostgreSQL. Prints figures; asserts nothing.
//!
//! Run with `make bench-lists` (release build).

use std::time::{Duration, Instant};

use casting_agency::{
    model::{
        Role,
        query::{ActorQuery, ActorSort, Page},
    },
    server::{db::Db, service::Service},
};

const ACTORS: i64 = 100_000;
const RUNS: usize = 30;

mod support;

#[tokio::main]
async fn main() {
    support::on_both_databases(|label, url| async move { run(label, &url).await }).await;
}

async fn run(label: &str, url: &str) {
    let db = Db::connect(url, 4, Duration::from_secs(5)).await.expect("database");
    let seeded = Instant::now();
    seed(&db).await;
    println!("\n{label}: seeded {ACTORS} actors in {:.1} s", seeded.elapsed().as_secs_f64());

    let svc = Service::new(db);
    let who = support::signed_in(Role::Assistant).await;

    let page = |n, sort, descending| ActorQuery {
        sort,
        descending,
        page: Some(Page { page: n, per_page: 20 }),
        ..ActorQuery::default()
    };
    // Each case makes the query of run `i`. Searches change with every run: the read cache
    // would answer a repeated one from memory, and the attack this guards against sent
    // distinct searches.
    type Case = (&'static str, Box<dyn Fn(usize) -> ActorQuery>);
    let fixed = |query: ActorQuery| -> Box<dyn Fn(usize) -> ActorQuery> {
        Box::new(move |_| query.clone())
    };
    let search = |make: fn(usize) -> String| -> Box<dyn Fn(usize) -> ActorQuery> {
        Box::new(move |i| ActorQuery { q: Some(make(i)), ..page(1, ActorSort::Name, false) })
    };
    let cases: Vec<Case> = vec![
        ("first page by id", fixed(page(1, ActorSort::Id, false))),
        ("first page by name", fixed(page(1, ActorSort::Name, false))),
        ("first page by -age", fixed(page(1, ActorSort::Age, true))),
        ("page 2500 by name", fixed(page(2500, ActorSort::Name, false))),
        ("search, distinct \"actor 4nnn\"", search(|i| format!("actor {}", 4000 + i))),
        ("search, distinct \"tor 9nn\"", search(|i| format!("TOR 9{i:02}"))),
        ("search, distinct 2 chars", search(|i| format!("{}{}", i % 10, (i / 10) % 10))),
        ("search, distinct no match", search(|i| format!("zz{i}q"))),
        (
            "filter age 30..=31, by name",
            fixed(ActorQuery {
                age_min: Some(30),
                age_max: Some(31),
                ..page(1, ActorSort::Name, false)
            }),
        ),
        ("unpaged (first 1000 of 100k)", fixed(ActorQuery::default())),
    ];
    println!("{:<32} {:>10} {:>10} {:>10}", "list", "p50 ms", "p95 ms", "rows");
    for (what, query) in cases {
        let mut times = Vec::with_capacity(RUNS);
        let mut rows = 0;
        for run in 0..RUNS {
            let query = query(run);
            let started = Instant::now();
            let listing = svc.list_actors(&who, query).await.unwrap();
            times.push(started.elapsed());
            rows = listing.items.len();
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{what:<32} {:>10.2} {:>10.2} {rows:>10}",
            ms(times[RUNS / 2]),
            ms(times[RUNS * 95 / 100])
        );
    }
}

/// 100,000 actors in batches of 1,000 rows per INSERT, one transaction per batch.
async fn seed(db: &Db) {
    for batch in 0..(ACTORS / 1000) {
        let mut sql = String::from("INSERT INTO actors (name, age, gender) VALUES ");
        for i in 0..1000 {
            let n = batch * 1000 + i;
            let gender = ["female", "male", "non-binary"][(n % 3) as usize];
            sql.push_str(&format!(
                "{}('Actor {n}', {}, '{gender}')",
                if i == 0 { "" } else { ", " },
                18 + n % 70
            ));
        }
        let mut tx = db.begin_write().await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut **tx).await.unwrap();
        tx.commit().await.unwrap();
    }
}
