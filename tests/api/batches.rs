//! Batches: the changes one action makes together (an import, a bulk delete or restore,
//! casting several at once) share a `batch` in the journal, and an import or a bulk delete is
//! undone from the history as a whole (`POST /changes/batches/{batch}/undo`). Real HTTP, both
//! databases.

use casting_agency::model::Role;
use reqwest::{Method, header};
use serde_json::{Value, json};

use crate::support::{Options, TestApp, TestDb, expect_error, status_json};

crate::on_both_databases!(
    an_import_is_one_batch_undone_as_a_whole,
    an_undo_refuses_what_changed_since_and_skips_what_is_gone,
    a_bulk_delete_is_undone_from_the_history,
    batches_keep_to_permissions_and_refuse_malformed_ids,
);

/// Imports `names` as actors; the report.
async fn import_actors(app: &TestApp, names: &[&str]) -> Value {
    let mut csv = String::from("name,age,gender\n");
    for name in names {
        csv.push_str(&format!("{name},30,female\n"));
    }
    let res = app
        .request(Method::POST, "/actors/import", Some(&app.token(Role::Director)))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn undo(app: &TestApp, batch: &str, role: Role) -> reqwest::Response {
    app.send_json(Method::POST, &format!("/changes/batches/{batch}/undo"), role, json!({})).await
}

async fn exists(app: &TestApp, kind: &str, id: i64) -> bool {
    app.get(&format!("/{kind}/{id}"), Role::Director).await.status() == 200
}

async fn an_import_is_one_batch_undone_as_a_whole(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let other = app.seed_actor("Not imported").await;
    let report = import_actors(&app, &["Ann", "Bea", "Cy"]).await;
    let batch = report["batch"].as_str().expect("an import names its batch").to_owned();
    let created: Vec<i64> =
        report["created"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();

    // The journal lists the batch's three creates, and only those.
    let (status, feed) =
        status_json(app.get(&format!("/changes?batch={batch}"), Role::Assistant).await).await;
    assert_eq!(status, 200, "{feed}");
    assert_eq!(feed["total"], 3, "{feed}");
    for change in feed["changes"].as_array().unwrap() {
        assert_eq!(change["batch"], batch.as_str());
        assert_eq!(change["action"], "create");
    }
    let (_, all) = status_json(app.get("/changes", Role::Assistant).await).await;
    let unbatched = all["changes"].as_array().unwrap().iter().find(|c| c["entity_id"] == other);
    assert!(unbatched.unwrap().get("batch").is_none(), "a change on its own has no batch");

    // Undo: every imported actor to the trash, in one go; the other stays.
    let (status, done) = status_json(undo(&app, &batch, Role::Director).await).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["entity"], "actor");
    assert_eq!(done["action"], "delete");
    assert_eq!(done["undone"], json!(created));
    assert_eq!(done["skipped"], json!([]));
    for id in &created {
        assert!(!exists(&app, "actors", *id).await, "actor {id} is still there");
    }
    assert!(exists(&app, "actors", other).await);
    let (_, trash) = status_json(app.get("/trash", Role::Director).await).await;
    assert_eq!(trash["total"], 3, "{trash}");

    // The undo is a batch of its own, so it can be undone too: all three back.
    let second = done["batch"].as_str().unwrap();
    assert_ne!(second, batch);
    let (status, back) = status_json(undo(&app, second, Role::Director).await).await;
    assert_eq!(status, 200, "{back}");
    assert_eq!(back["action"], "restore");
    assert_eq!(back["undone"], json!(created));
    for id in &created {
        assert!(exists(&app, "actors", *id).await, "actor {id} did not come back");
    }
}

async fn an_undo_refuses_what_changed_since_and_skips_what_is_gone(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let report = import_actors(&app, &["Dee", "Eve", "Fay"]).await;
    let batch = report["batch"].as_str().unwrap().to_owned();
    let ids: Vec<i64> =
        report["created"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();

    // Someone edits one: the undo would throw their work away, so nothing is undone.
    let res = app
        .send_json(
            Method::PATCH,
            &format!("/actors/{}", ids[1]),
            Role::Director,
            json!({"age": 41}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let body =
        expect_error(undo(&app, &batch, Role::Director).await, 412, "precondition_failed").await;
    assert!(body["message"].as_str().unwrap().contains("nothing was undone"), "{body}");
    for id in &ids {
        assert!(exists(&app, "actors", *id).await, "actor {id} was deleted by a refused undo");
    }

    // Deleted on its own since: that one is skipped, the rest are undone.
    let path = format!("/actors/{}", ids[1]);
    let res = app.send_json(Method::DELETE, &path, Role::Director, json!({})).await;
    assert_eq!(res.status(), 200);
    let (status, done) = status_json(undo(&app, &batch, Role::Director).await).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["undone"], json!([ids[0], ids[2]]));
    assert_eq!(done["skipped"], json!([ids[1]]));
    // Twice: nothing left to do, every one skipped, nothing refused.
    let (status, again) = status_json(undo(&app, &batch, Role::Director).await).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["undone"], json!([]));
    assert_eq!(again["skipped"].as_array().unwrap().len(), 3);
    assert!(again.get("batch").is_none(), "nothing changed, so no batch: {again}");
}

async fn a_bulk_delete_is_undone_from_the_history(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let (m1, m2) = (app.seed_movie("One").await, app.seed_movie("Two").await);
    let res = app
        .send_json(Method::POST, "/movies/bulk-delete", Role::Producer, json!({"ids": [m1, m2]}))
        .await;
    assert_eq!(res.status(), 200);
    let (_, feed) = status_json(app.get("/changes?action=delete", Role::Producer).await).await;
    let batch = feed["changes"][0]["batch"].as_str().expect("a bulk delete is a batch").to_owned();
    assert_eq!(feed["changes"][1]["batch"], batch.as_str());
    // A director may not delete movies, so may not bring a movie delete back either.
    expect_error(undo(&app, &batch, Role::Director).await, 403, "forbidden").await;
    let (status, done) = status_json(undo(&app, &batch, Role::Producer).await).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(
        (done["entity"].as_str(), done["action"].as_str()),
        (Some("movie"), Some("restore"))
    );
    assert_eq!(done["undone"], json!([m1, m2]));
    assert!(exists(&app, "movies", m1).await && exists(&app, "movies", m2).await);
}

async fn batches_keep_to_permissions_and_refuse_malformed_ids(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let report = import_actors(&app, &["Gil"]).await;
    let batch = report["batch"].as_str().unwrap().to_owned();
    expect_error(undo(&app, &batch, Role::Assistant).await, 403, "forbidden").await;
    let res = app
        .request(Method::POST, &format!("/changes/batches/{batch}/undo"), None)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(exists(&app, "actors", report["created"][0].as_i64().unwrap()).await);
    // A well-formed batch nobody made: 404; a malformed one: 422, as is a malformed filter.
    expect_error(undo(&app, "AAAAAAAAAAAAAAAAAAAAAA", Role::Director).await, 404, "not_found")
        .await;
    expect_error(undo(&app, "not-a-batch", Role::Director).await, 422, "invalid_field").await;
    let res = app.get("/changes?batch=not-a-batch", Role::Director).await;
    expect_error(res, 422, "invalid_field").await;
}
