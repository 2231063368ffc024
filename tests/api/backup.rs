//! Backups (issue 17): a backup taken while writers run holds every write acknowledged before
//! it began, and restores into a database a server then serves; restore refuses while a
//! server holds the file, and refuses a file that is not a backup; PostgreSQL is pointed to
//! its own tools.

use std::{
    collections::HashSet,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use casting_agency::{
    model::Role,
    server::db::backup::{BackupError, backup, restore},
};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::{Connection, Row};

use crate::support::{Options, TestApp, TestDb};

fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

async fn actor_ids(path: &std::path::Path) -> HashSet<i64> {
    let mut conn = sqlx::AnyConnection::connect(&format!("sqlite://{}?mode=ro", path.display()))
        .await
        .unwrap();
    let rows = sqlx::query("SELECT id FROM actors").fetch_all(&mut conn).await.unwrap();
    rows.iter().map(|r| r.get::<i64, _>(0)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_has_every_acknowledged_write_and_restores() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir.path().join("live.db"));
    let options = Options { database_url: Some(url.clone()), ..Options::default() };
    let app = Arc::new(TestApp::start(TestDb::sqlite(), options).await);

    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (app, acknowledged, stop) = (app.clone(), acknowledged.clone(), stop.clone());
            tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let body =
                        json!({"name": format!("Writer {w} #{i}"), "age": 30, "gender": "f"});
                    let res = app.send_json(Method::POST, "/actors", Role::Director, body).await;
                    assert_eq!(res.status(), 200);
                    let id = res.json::<Value>().await.unwrap()["created"].as_i64().unwrap();
                    acknowledged.lock().unwrap().push(id);
                    i += 1;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let before: Vec<i64> = acknowledged.lock().unwrap().clone();
    assert!(before.len() > 10, "the writers are writing: {}", before.len());
    let copy = dir.path().join("backup.db");
    let bytes = backup(&url, &copy).await.expect("a backup while the server writes");
    assert!(bytes > 0);
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let all = acknowledged.lock().unwrap().len();

    let saved = actor_ids(&copy).await;
    let missing: Vec<_> = before.iter().filter(|id| !saved.contains(id)).collect();
    assert!(missing.is_empty(), "acknowledged before the backup but not in it: {missing:?}");
    assert!(
        saved.len() < all,
        "the writes went on while and after it ran ({} of {all})",
        saved.len()
    );
    assert!(!dir.path().join("backup.db.partial").exists());

    // Never over an existing file; never under a running server.
    assert!(matches!(backup(&url, &copy).await, Err(BackupError::TargetExists(_))));
    assert!(matches!(restore(&url, &copy).await, Err(BackupError::InUse(_))));

    // Restored where no database is yet, a server serves exactly the backup.
    let other = tempfile::tempdir().unwrap();
    let restored_url = sqlite_url(&other.path().join("restored.db"));
    assert_eq!(restore(&restored_url, &copy).await.unwrap(), None);
    let options = Options { database_url: Some(restored_url), ..Options::default() };
    let restored = TestApp::start(TestDb::sqlite(), options).await;
    let listed: Value = restored.get("/actors", Role::Assistant).await.json().await.unwrap();
    assert_eq!(listed["all_actors"], saved.len());

    // Over a database no server holds: the old one is kept beside it.
    let third = tempfile::tempdir().unwrap();
    let existing = third.path().join("db.sqlite");
    std::fs::copy(&copy, &existing).unwrap();
    std::fs::write(third.path().join("db.sqlite-wal"), b"stale").unwrap();
    let kept = restore(&sqlite_url(&existing), &copy).await.unwrap().expect("the old one kept");
    assert!(kept.exists() && existing.exists());
    assert!(!third.path().join("db.sqlite-wal").exists(), "the old log went with the old file");
}

#[tokio::test]
async fn restore_refuses_what_is_not_a_backup_and_postgres_is_sent_to_its_tools() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("photo.jpg");
    std::fs::write(&junk, b"\xff\xd8\xff\xe0 not a database at all").unwrap();
    let url = sqlite_url(&dir.path().join("app.db"));
    assert!(matches!(restore(&url, &junk).await, Err(BackupError::NotABackup(..))));
    assert!(!dir.path().join("app.db").exists(), "nothing was written");
    assert!(matches!(
        restore(&url, &dir.path().join("nope.db")).await,
        Err(BackupError::Missing(_))
    ));

    let pg = "postgres://postgres@127.0.0.1:5432/postgres";
    let refused = backup(pg, &dir.path().join("pg.dump")).await.unwrap_err();
    assert!(matches!(refused, BackupError::Postgres));
    assert!(refused.to_string().contains("pg_dump"));
    assert!(matches!(restore(pg, &junk).await, Err(BackupError::Postgres)));
}
