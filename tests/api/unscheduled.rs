//! Movies without a release date (not yet scheduled), as the dina seed stored them: posted
//! with a title alone, `release_date: null` in every answer, listed after every dated movie in
//! both directions, and a date can be set or taken away again. Also: a value of the wrong type
//! gets a message in words, not serde's.

use casting_agency::model::Role;
use reqwest::Method;
use serde_json::json;

use crate::support::{Options, TestApp, TestDb, expect_error, status_json};

crate::on_both_databases!(movies_may_be_unscheduled, wrong_types_are_named_in_words);

async fn movies_may_be_unscheduled(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    // The dina seed's Postman collection posts exactly this.
    let (status, created) = status_json(
        app.send_json(Method::POST, "/movies", Role::Producer, json!({"title": "Movie 1"})).await,
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let tba = created["created_id"].as_i64().unwrap();
    assert_eq!(created["new_movie"], json!({"id": tba, "title": "Movie 1", "release_date": null}));
    let (_, nulled) = status_json(
        app.send_json(
            Method::POST,
            "/movies",
            Role::Producer,
            json!({"title": "Movie 2", "release_date": null}),
        )
        .await,
    )
    .await;
    let tba2 = nulled["created_id"].as_i64().unwrap();
    let early = app.seed_movie("Early").await;
    let res = app
        .send_json(
            Method::PATCH,
            &format!("/movies/{early}"),
            Role::Producer,
            json!({"release_date": "1999-01-01"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let late = app.seed_movie("Late").await;
    let res = app
        .send_json(
            Method::PATCH,
            &format!("/movies/{late}"),
            Role::Producer,
            json!({"release_date": "2030-01-01"}),
        )
        .await;
    assert_eq!(res.status(), 200);

    // Unscheduled last, whichever the direction.
    // (Ties are broken by id in the same direction.)
    for (sort, order) in
        [("release_date", [early, late, tba, tba2]), ("-release_date", [late, early, tba2, tba])]
    {
        let (status, listed) =
            status_json(app.get(&format!("/movies?sort={sort}"), Role::Assistant).await).await;
        assert_eq!(status, 200, "{listed}");
        let ids: Vec<i64> = listed["movies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, order, "{sort}");
    }
    let (_, paged) =
        status_json(app.get("/movies?sort=-release_date&page=2&per_page=3", Role::Assistant).await)
            .await;
    assert_eq!(paged["movies"][0]["id"], tba, "{paged}");
    // A date range never matches an unscheduled movie.
    let (_, ranged) =
        status_json(app.get("/movies?released_after=1800-01-01", Role::Assistant).await).await;
    assert_eq!(ranged["movies"].as_array().unwrap().len(), 2, "{ranged}");

    // Scheduling it, then taking the date away again; leaving it out changes nothing.
    let path = format!("/movies/{tba}");
    let (status, body) = status_json(
        app.send_json(Method::PATCH, &path, Role::Director, json!({"release_date": "2026-05-01"}))
            .await,
    )
    .await;
    assert_eq!(
        (status, &body["modified_movie"]["release_date"]),
        (200, &json!("Fri, 01 May 2026 00:00:00 GMT"))
    );
    let (_, body) = status_json(
        app.send_json(Method::PATCH, &path, Role::Director, json!({"title": "Movie 1b"})).await,
    )
    .await;
    assert_eq!(body["modified_movie"]["release_date"], "Fri, 01 May 2026 00:00:00 GMT");
    let (status, body) = status_json(
        app.send_json(Method::PATCH, &path, Role::Director, json!({"release_date": null})).await,
    )
    .await;
    assert_eq!((status, &body["modified_movie"]["release_date"]), (200, &json!(null)), "{body}");

    // It can be cast, and shows in a filmography (after the dated films).
    let actor = app.seed_actor("Player").await;
    for movie in [tba, early] {
        let res = app
            .send_json(
                Method::PUT,
                &format!("/movies/{movie}/actors/{actor}"),
                Role::Director,
                json!({}),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let (status, films) =
        status_json(app.get(&format!("/actors/{actor}/movies"), Role::Assistant).await).await;
    assert_eq!(status, 200, "{films}");
    let ids: Vec<i64> =
        films["movies"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [early, tba]);
    assert_eq!(films["movies"][1]["release_date"], json!(null));
}

async fn wrong_types_are_named_in_words(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let body = json!({"name": "Ann", "age": "30", "gender": "female"});
    let error = expect_error(
        app.send_json(Method::POST, "/actors", Role::Director, body).await,
        422,
        "invalid_field",
    )
    .await;
    assert_eq!(error["field"], "age");
    assert_eq!(error["message"], r#"age must be a whole number (such as 36), not text ("30")"#);
    let body = json!({"title": 1999});
    let error = expect_error(
        app.send_json(Method::POST, "/movies", Role::Producer, body).await,
        422,
        "invalid_field",
    )
    .await;
    assert_eq!(error["message"], "title must be text (a JSON string), not 1999");
}
