//! Migrations run at start-up over an existing database: data written by the release before
//! versions and the trash (issue 14) keeps working. Existing rows start at version 1, the
//! journal keeps its rows and ids (SQLite rebuilds its table to allow `restore`), and the new
//! actions can be written. Both databases.

use std::{borrow::Cow, path::Path};

use casting_agency::model::Role;
use reqwest::Method;
use serde_json::json;
use sqlx::{Connection, migrate::Migrator};

use crate::support::{Options, TestApp, TestDb, status_json_versioned};

crate::on_both_databases!(data_from_before_versions_and_the_trash_is_upgraded);

async fn data_from_before_versions_and_the_trash_is_upgraded(db: TestDb) {
    let dir = if db.is_postgres() { "migrations/postgres" } else { "migrations/sqlite" };
    let mut older = Migrator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).await.unwrap();
    let before: Vec<_> =
        older.migrations.iter().filter(|m| m.version < 20260108000000).cloned().collect();
    assert!(before.len() < older.migrations.len(), "the upgrade under test exists");
    older.migrations = Cow::Owned(before);
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&db.url()).await.unwrap();
    older.run(&mut conn).await.unwrap();
    for sql in [
        "INSERT INTO actors (name, age, gender) VALUES ('Old Timer', 70, 'male')",
        "INSERT INTO movies (title, release_date) VALUES ('Old Film', NULL)",
        "INSERT INTO castings (movie_id, actor_id, character) VALUES (1, 1, 'Lead')",
        "INSERT INTO changes (at, by_sub, entity, entity_id, action, after_json) \
         VALUES ('2026-01-01T00:00:00.000000000Z', 'someone', 'actor', 1, 'create', '{\"id\":1}')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let app = TestApp::start(db, Options::default()).await;
    let (status, shown) = status_json_versioned(app.get("/actors/1", Role::Producer).await).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["actor"]["version"], 1);
    assert_eq!(shown["actor"]["movies"][0]["version"], 1);
    assert_eq!(shown["actor"]["movies"][0]["character"], "Lead");
    let (_, feed) = status_json_versioned(app.get("/changes", Role::Producer).await).await;
    assert_eq!((feed["total"].as_i64(), feed["changes"][0]["id"].as_i64()), (Some(1), Some(1)));

    // The new actions write, and the journal's ids carry on after the old ones.
    let res = app
        .request(Method::DELETE, "/movies/1", Some(&app.token(Role::Producer)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .request(Method::POST, "/movies/1/restore", Some(&app.token(Role::Producer)))
        .send()
        .await
        .unwrap();
    let (status, back) = status_json_versioned(res).await;
    assert_eq!((status, &back["movie"]["version"]), (200, &json!(3)), "{back}");
    let (_, feed) = status_json_versioned(app.get("/changes", Role::Producer).await).await;
    let ids: Vec<i64> =
        feed["changes"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [3, 2, 1], "{feed}");
    assert_eq!(feed["changes"][0]["action"], "restore");
}
