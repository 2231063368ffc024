//! List search, filters, sort and paging; the seed-compatible shape without paging.

use casting_agency::model::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Options, TestApp, TestDb, status_json};

crate::on_both_databases!(
    actor_lists_search_filter_sort_and_page,
    movie_lists_filter_by_date,
    bad_list_parameters_are_named
);

async fn list(app: &TestApp, query: &str) -> (u16, Value) {
    status_json(app.get(&format!("/actors?{query}"), Role::Assistant).await).await
}

fn names(body: &Value, key: &str, field: &str) -> Vec<String> {
    body[key].as_array().unwrap().iter().map(|a| a[field].as_str().unwrap().to_owned()).collect()
}

async fn actor_lists_search_filter_sort_and_page(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let producer = app.token(Role::Producer);
    for (name, age, gender) in [
        ("Ada", 36, "female"),
        ("bob", 50, "male"),
        ("Cy", 20, "Male"),
        ("Adam", 41, "male"),
        ("Eve", 29, "female"),
    ] {
        let res = app
            .request(Method::POST, "/actors", Some(&producer))
            .json(&json!({"name": name, "age": age, "gender": gender}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let get = |query: &'static str| list(&app, query);

    // No paging: the seed shape, every match in id order, no paging fields.
    let (_, body) = get("").await;
    assert_eq!(names(&body, "actors", "name"), ["Ada", "bob", "Cy", "Adam", "Eve"]);
    assert!(body.get("page").is_none() && body.get("total").is_none());
    // Search is a case-insensitive substring; gender is case-insensitive equality.
    let (_, body) = get("q=AD").await;
    assert_eq!(
        (names(&body, "actors", "name"), &body["all_actors"]),
        (vec!["Ada".to_owned(), "Adam".to_owned()], &json!(2))
    );
    let (_, body) = get("gender=MALE&sort=-age").await;
    assert_eq!(names(&body, "actors", "name"), ["bob", "Adam", "Cy"]);
    let (_, body) = get("age_min=29&age_max=41&sort=age").await;
    assert_eq!(names(&body, "actors", "name"), ["Eve", "Ada", "Adam"]);
    // Paging adds page, per_page and total; the total counts every match.
    let (status, body) = get("sort=name&page=2&per_page=2").await;
    assert_eq!(status, 200);
    assert_eq!(names(&body, "actors", "name"), ["Cy", "Eve"], "{body}");
    assert_eq!(
        (&body["page"], &body["per_page"], &body["total"], &body["all_actors"]),
        (&json!(2), &json!(2), &json!(5), &json!(5))
    );
    let (_, body) = get("page=3&per_page=2").await;
    assert_eq!(body["actors"].as_array().unwrap().len(), 1);
    let (_, body) = get("page=9&per_page=2").await;
    assert_eq!((body["actors"].as_array().unwrap().len(), &body["total"]), (0, &json!(5)));
    // A page whose offset overflows i64 is past the end like any other (found by schemathesis:
    // it used to panic and drop the connection).
    let (status, body) = get("page=9223372036854775807&per_page=100").await;
    assert_eq!(
        (status, body["actors"].as_array().unwrap().len(), &body["total"]),
        (200, 0, &json!(5))
    );
    // Wildcards are literal.
    let (_, body) = get("q=%25").await;
    assert_eq!(body["all_actors"], 0);
}

async fn movie_lists_filter_by_date(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let producer = app.token(Role::Producer);
    for (title, date) in
        [("Old", "1999-01-01"), ("Mid", "2010-06-15T12:00:00Z"), ("New", "2024-12-23")]
    {
        let res = app
            .request(Method::POST, "/movies", Some(&producer))
            .json(&json!({"title": title, "release_date": date}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let (_, body) = status_json(
        app.get("/movies?released_after=2000-01-01&sort=-release_date", Role::Assistant).await,
    )
    .await;
    assert_eq!(names(&body, "movies", "title"), ["New", "Mid"]);
    let (_, body) =
        status_json(app.get("/movies?released_before=2010-06-15T12:00:00Z", Role::Assistant).await)
            .await;
    assert_eq!(names(&body, "movies", "title"), ["Old", "Mid"], "bounds are inclusive");
    let (_, body) =
        status_json(app.get("/movies?q=e&sort=title&per_page=1", Role::Assistant).await).await;
    assert_eq!(
        (names(&body, "movies", "title"), &body["total"]),
        (vec!["New".to_owned()], &json!(1))
    );
}

async fn bad_list_parameters_are_named(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    for (path, field) in [
        ("/actors?per_page=101", "per_page"),
        ("/actors?per_page=0", "per_page"),
        ("/actors?page=0", "page"),
        ("/actors?page=two", "page"),
        ("/actors?age_min=x", "age_min"),
        ("/actors?age_min=50&age_max=20", "age_min"),
        ("/actors?sort=salary", "sort"),
        ("/actors?sort=-", "sort"),
        ("/actors?limit=5", "limit"),
        ("/actors?q=a&q=b", "q"),
        ("/movies?released_after=soon", "released_after"),
        ("/movies?released_after=2020-01-01&released_before=2010-01-01", "released_after"),
        ("/movies?sort=age", "sort"),
    ] {
        let (status, body) = status_json(app.get(path, Role::Assistant).await).await;
        assert_eq!((status, body["field"].as_str()), (422, Some(field)), "{path}: {body}");
    }
    let long = format!("/actors?q={}", "x".repeat(201));
    let (status, body) = status_json(app.get(&long, Role::Assistant).await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("q")));
    // The permission comes first: no token, 401 whatever the parameters.
    let res = app.client.get(app.url("/actors?sort=salary")).send().await.unwrap();
    assert_eq!(res.status(), 401);
}
