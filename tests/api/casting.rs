//! Casting assignments: assign (idempotent), list both ways, unassign, cascades on delete.

use casting_agency::model::Role;
use reqwest::{Method, header};
use serde_json::{Value, json};

use crate::support::{Options, TestApp, TestDb, expect_error, status_json};

crate::on_both_databases!(
    assign_list_and_unassign,
    missing_rows_and_permissions,
    deletes_take_assignments_with_them,
    actor_search_is_case_insensitive_and_literal
);

async fn put(app: &TestApp, role: Role, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = app.request(Method::PUT, path, Some(&app.token(role)));
    if let Some(body) = body {
        request = request.json(&body);
    }
    status_json(request.send().await.unwrap()).await
}

async fn assign_list_and_unassign(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let movie = app.seed_movie("The Prestige").await;
    let (ada, bob) = (app.seed_actor("Ada").await, app.seed_actor("Bob").await);

    let (status, body) = put(
        &app,
        Role::Director,
        &format!("/movies/{movie}/actors/{ada}"),
        Some(json!({"character": " Angier "})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"success": true, "movie_id": movie, "actor_id": ada, "character": "Angier", "created": true})
    );
    // No body at all: cast without a character.
    let (status, body) =
        put(&app, Role::Producer, &format!("/movies/{movie}/actors/{bob}"), None).await;
    assert_eq!((status, &body["created"], &body["character"]), (200, &json!(true), &Value::Null));
    // Idempotent: again, with a new character, is an update.
    let (_, body) = put(
        &app,
        Role::Director,
        &format!("/movies/{movie}/actors/{ada}"),
        Some(json!({"character": "Robert Angier"})),
    )
    .await;
    assert_eq!((&body["created"], &body["character"]), (&json!(false), &json!("Robert Angier")));

    let (status, cast) =
        status_json(app.get(&format!("/movies/{movie}/actors"), Role::Assistant).await).await;
    assert_eq!(status, 200);
    assert_eq!(cast["total"], 2);
    assert_eq!(
        cast["actors"][0],
        json!({"id": ada, "name": "Ada", "age": 40, "gender": "female", "character": "Robert Angier"})
    );
    assert_eq!(cast["actors"][1]["character"], Value::Null);

    let (_, films) =
        status_json(app.get(&format!("/actors/{ada}/movies"), Role::Assistant).await).await;
    assert_eq!(
        films["movies"],
        json!([{"id": movie, "title": "The Prestige", "release_date": "Mon, 23 Dec 2024 00:00:00 GMT", "character": "Robert Angier"}])
    );

    // The detail routes include them.
    let (_, shown) = status_json(app.get(&format!("/movies/{movie}"), Role::Assistant).await).await;
    assert_eq!(shown["movie"]["cast"].as_array().unwrap().len(), 2);
    let (_, shown) = status_json(app.get(&format!("/actors/{ada}"), Role::Assistant).await).await;
    assert_eq!(shown["actor"]["movies"][0]["id"], movie);

    let path = format!("/movies/{movie}/actors/{bob}");
    let res =
        app.request(Method::DELETE, &path, Some(&app.token(Role::Director))).send().await.unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!(
        (status, body),
        (200, json!({"success": true, "movie_id": movie, "actor_id": bob, "deleted": true}))
    );
    let res =
        app.request(Method::DELETE, &path, Some(&app.token(Role::Director))).send().await.unwrap();
    expect_error(res, 404, "not_found").await;
    let (_, cast) =
        status_json(app.get(&format!("/movies/{movie}/actors"), Role::Assistant).await).await;
    assert_eq!(cast["total"], 1);
}

async fn missing_rows_and_permissions(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let movie = app.seed_movie("M").await;
    let actor = app.seed_actor("A").await;
    let (status, body) =
        put(&app, Role::Producer, &format!("/movies/9999/actors/{actor}"), None).await;
    assert_eq!((status, body["message"].as_str()), (404, Some("movie 9999 not found")));
    let (status, body) =
        put(&app, Role::Producer, &format!("/movies/{movie}/actors/9999"), None).await;
    assert_eq!((status, body["message"].as_str()), (404, Some("actor 9999 not found")));
    let (status, _) = put(&app, Role::Producer, &format!("/movies/{movie}/actors/abc"), None).await;
    assert_eq!(status, 404);
    expect_error(app.get("/movies/9999/actors", Role::Assistant).await, 404, "not_found").await;
    expect_error(app.get("/actors/9999/movies", Role::Assistant).await, 404, "not_found").await;

    // Assigning changes the movie: patch:movies. Reading needs get:movies and get:actors.
    let path = format!("/movies/{movie}/actors/{actor}");
    let (status, body) = put(&app, Role::Assistant, &path, Some(json!({"character": "x"}))).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));
    let res = app.request(Method::PUT, &path, None).send().await.unwrap();
    expect_error(res, 401, "authorization_header_missing").await;
    let res =
        app.request(Method::DELETE, &path, Some(&app.token(Role::Assistant))).send().await.unwrap();
    expect_error(res, 403, "forbidden").await;
    let mut claims = app.claims(Role::Assistant);
    claims["permissions"] = json!(["get:movies"]);
    let res = app
        .request(Method::GET, &format!("/movies/{movie}/actors"), Some(&app.key.sign(&claims)))
        .send()
        .await
        .unwrap();
    expect_error(res, 403, "forbidden").await;
    // Without get:actors, a movie's detail simply has no cast.
    let res = app
        .request(Method::GET, &format!("/movies/{movie}"), Some(&app.key.sign(&claims)))
        .send()
        .await
        .unwrap();
    let (status, shown) = status_json(res).await;
    assert_eq!(status, 200);
    assert!(shown["movie"].get("cast").is_none(), "{shown}");

    // Validation of the optional body.
    let (status, body) =
        put(&app, Role::Producer, &path, Some(json!({"character": "x".repeat(201)}))).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("character")));
    let (status, body) = put(&app, Role::Producer, &path, Some(json!({"role": "lead"}))).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("role")));
    let res = app
        .request(Method::PUT, &path, Some(&app.token(Role::Producer)))
        .header(header::CONTENT_TYPE, "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    expect_error(res, 400, "malformed_json").await;
    let (_, cast) =
        status_json(app.get(&format!("/movies/{movie}/actors"), Role::Assistant).await).await;
    assert_eq!(cast["total"], 0, "nothing was assigned by refused requests");
}

async fn deletes_take_assignments_with_them(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let (m1, m2) = (app.seed_movie("One").await, app.seed_movie("Two").await);
    let (a1, a2) = (app.seed_actor("Ann").await, app.seed_actor("Ben").await);
    for (m, a) in [(m1, a1), (m2, a1), (m1, a2)] {
        let (status, _) = put(&app, Role::Producer, &format!("/movies/{m}/actors/{a}"), None).await;
        assert_eq!(status, 200);
    }
    let res = app
        .request(Method::DELETE, &format!("/actors/{a1}"), Some(&app.token(Role::Director)))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!((status, &body["assignments_removed"]), (200, &json!(2)), "{body}");
    let (_, cast) =
        status_json(app.get(&format!("/movies/{m1}/actors"), Role::Assistant).await).await;
    assert_eq!(
        cast["actors"].as_array().unwrap().iter().map(|a| a["id"].clone()).collect::<Vec<_>>(),
        vec![json!(a2)]
    );

    let res = app
        .request(Method::DELETE, &format!("/movies/{m1}"), Some(&app.token(Role::Producer)))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!((status, &body["assignments_removed"]), (200, &json!(1)), "{body}");
    let (_, films) =
        status_json(app.get(&format!("/actors/{a2}/movies"), Role::Assistant).await).await;
    assert_eq!(films["total"], 0);
}

/// The cast picker's search, through the service the server function calls.
async fn actor_search_is_case_insensitive_and_literal(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    for name in ["Ada Lovelace", "Grace Hopper", "100% Real", "snake_case"] {
        app.seed_actor(name).await;
    }
    let svc = &app.core.service;
    let assistant = app.core.verifier.verify(&app.token(Role::Assistant)).await.unwrap();
    let names = |actors: Vec<casting_agency::model::Actor>| {
        actors.into_iter().map(|a| a.name).collect::<Vec<_>>()
    };
    assert_eq!(names(svc.search_actors(&assistant, "LOVE", 20).await.unwrap()), ["Ada Lovelace"]);
    assert_eq!(names(svc.search_actors(&assistant, "%", 20).await.unwrap()), ["100% Real"]);
    assert_eq!(names(svc.search_actors(&assistant, "_", 20).await.unwrap()), ["snake_case"]);
    assert_eq!(svc.search_actors(&assistant, "", 20).await.unwrap().len(), 4);
    assert_eq!(svc.search_actors(&assistant, "", 2).await.unwrap().len(), 2);
    let mut claims = app.claims(Role::Assistant);
    claims["permissions"] = json!(["get:movies"]);
    let movies_only = app.core.verifier.verify(&app.key.sign(&claims)).await.unwrap();
    assert!(svc.search_actors(&movies_only, "a", 20).await.is_err(), "needs get:actors");
}
