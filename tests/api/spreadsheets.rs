//! Spreadsheets (issue 19): lists out as CSV (filtered, sorted, streamed, formulas
//! neutralised), CSV in (all or nothing, every problem reported, dry runs, limits), and bulk
//! delete and restore. Real HTTP, both databases.

use casting_agency::model::Role;
use reqwest::{Method, Response, header};
use serde_json::{Value, json};

use crate::support::{Options, TestApp, TestDb, expect_error, status_json};

crate::on_both_databases!(
    an_export_is_the_whole_filtered_sorted_list,
    an_export_survives_a_round_trip_into_an_empty_database,
    a_bad_row_writes_nothing_and_every_problem_is_reported,
    a_dry_run_writes_nothing_and_an_import_is_journaled,
    imports_have_limits_and_clear_refusals,
    spreadsheets_take_the_same_permissions,
    a_bulk_delete_is_all_or_nothing_and_undone_at_once,
);

async fn import(app: &TestApp, kind: &str, csv: impl Into<Vec<u8>>, dry_run: bool) -> Response {
    let path = format!("/{kind}/import{}", if dry_run { "?dry_run=true" } else { "" });
    app.request(Method::POST, &path, Some(&app.token(Role::Producer)))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(csv.into())
        .send()
        .await
        .unwrap()
}

/// An export as a program asks for it: its headers and text.
async fn export(app: &TestApp, path_and_query: &str) -> (header::HeaderMap, String) {
    let res = app
        .request(Method::GET, path_and_query, Some(&app.token(Role::Assistant)))
        .header(header::ACCEPT, "text/csv")
        .send()
        .await
        .unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let text = res.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    (headers, text)
}

async fn count(app: &TestApp, kind: &str) -> i64 {
    let (_, body) =
        status_json(app.get(&format!("/{kind}?per_page=1"), Role::Assistant).await).await;
    body["total"].as_i64().unwrap()
}

async fn an_export_is_the_whole_filtered_sorted_list(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    // 2,400 rows: more than one batch and more than a list's cap, with ties on the sort key.
    let mut csv = String::from("name,age,gender\n");
    for i in 0..2_400 {
        csv.push_str(&format!(
            "Bulk {:04},{},{}\n",
            i,
            20 + i % 7,
            if i % 2 == 0 { "female" } else { "male" }
        ));
    }
    assert_eq!(import(&app, "actors", csv, false).await.status(), 200);
    for (name, age) in
        [("Quote \"Q\", Jr.", 30), ("=HYPERLINK(\"http://x\")", 31), ("@SUM(A1)", 32)]
    {
        let res = app
            .send_json(
                Method::POST,
                "/actors",
                Role::Producer,
                json!({"name": name, "age": age, "gender": "other"}),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let (headers, text) = export(&app, "/actors?sort=-age&page=2&per_page=5").await;
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap().to_owned();
    let today = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(disposition, format!("attachment; filename=\"actors-{today}.csv\""));
    assert!(!text.starts_with('\u{feff}'), "Accept: text/csv gets no byte-order mark");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), vec!["id", "name", "age", "gender"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // Paging is ignored: every row, ordered by age descending then id descending.
    assert_eq!(rows.len(), 2_403);
    let keys: Vec<(i64, i64)> =
        rows.iter().map(|r| (r[2].parse().unwrap(), r[0].parse().unwrap())).collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(keys, sorted);
    let names: Vec<&str> = rows.iter().map(|r| &r[1]).collect();
    assert!(names.contains(&"Quote \"Q\", Jr."));
    assert!(names.contains(&"'=HYPERLINK(\"http://x\")"), "a formula is neutralised");
    assert!(names.contains(&"'@SUM(A1)"));
    assert!(text.contains("\"Quote \"\"Q\"\", Jr.\""), "quotes are doubled, commas quoted");

    // The filter applies; a link's ?format=csv gets a byte-order mark for Excel.
    let res = app
        .request(
            Method::GET,
            "/actors?q=bulk%2000&gender=female&format=csv",
            Some(&app.token(Role::Assistant)),
        )
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let body = text.strip_prefix('\u{feff}').expect("a download starts with a BOM");
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(body.as_bytes()).records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 50, "Bulk 00xx, every other one female");
    assert!(rows.iter().all(|r| r[1].starts_with("Bulk 00") && &r[3] == "female"));

    // Sorted by name, descending, across batch boundaries.
    let (_, text) = export(&app, "/actors?sort=-name").await;
    let names: Vec<String> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap()[1].to_owned())
        .collect();
    assert_eq!(names.len(), 2_403);
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(names[..100], sorted[..100]);

    // A bad parameter is still a JSON error.
    let res = app.get("/actors?format=xml", Role::Assistant).await;
    expect_error(res, 422, "invalid_field").await;
}

async fn movies_fixture(app: &TestApp) {
    for (title, date) in [
        ("Dated", json!("2024-12-23")),
        ("Timed", json!("2021-03-04T05:06:07.890Z")),
        ("Unscheduled", Value::Null),
        ("-Minus, \"quoted\"; semi", json!("1999-01-01")),
    ] {
        let res = app
            .send_json(
                Method::POST,
                "/movies",
                Role::Producer,
                json!({"title": title, "release_date": date}),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
}

async fn an_export_survives_a_round_trip_into_an_empty_database(db: TestDb) {
    let postgres = db.is_postgres();
    let source = TestApp::start(db, Options::default()).await;
    for (name, age, gender) in
        [("Ann", 30, "female"), ("=cmd|' /C calc'!A0", 41, "male"), ("Zoë ''+x", 0, "non-binary")]
    {
        let body = json!({"name": name, "age": age, "gender": gender});
        assert_eq!(
            source.send_json(Method::POST, "/actors", Role::Producer, body).await.status(),
            200
        );
    }
    movies_fixture(&source).await;
    let (_, actors) = export(&source, "/actors").await;
    let (_, movies) = export(&source, "/movies").await;

    let target_db = match postgres {
        true => TestDb::postgres().await.unwrap(),
        false => TestDb::sqlite(),
    };
    let target = TestApp::start(target_db, Options::default()).await;
    let (status, body) = status_json(import(&target, "actors", actors.clone(), false).await).await;
    assert_eq!(status, 200, "{body} {actors}");
    assert_eq!(body["ignored_columns"], json!(["id"]));
    let (status, body) = status_json(import(&target, "movies", movies.clone(), false).await).await;
    assert_eq!(status, 200, "{body}");
    // Same rows, same ids (both start from 1), same bytes.
    assert_eq!(export(&target, "/actors").await.1, actors);
    assert_eq!(export(&target, "/movies").await.1, movies);
    let (_, source_movies) = status_json(source.get("/movies", Role::Assistant).await).await;
    let (_, target_movies) = status_json(target.get("/movies", Role::Assistant).await).await;
    assert_eq!(source_movies["movies"], target_movies["movies"]);
}

async fn a_bad_row_writes_nothing_and_every_problem_is_reported(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let csv =
        "Name,Age,Gender,Agent\nAnn,30,female,X\nBob,abc,male,Y\n,200,female,Z\nCy,40,male,W\n";
    let res = import(&app, "actors", csv, false).await;
    let (status, body) = status_json(res).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("invalid_rows")), "{body}");
    assert_eq!(body["success"], false);
    assert_eq!(body["created"], json!([]));
    assert_eq!(body["ignored_columns"], json!(["Agent"]));
    let problems: Vec<(i64, &str)> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["row"].as_i64().unwrap(), p["column"].as_str().unwrap()))
        .collect();
    assert_eq!(problems, [(3, "age"), (4, "name"), (4, "age")]);
    assert!(body["message"].as_str().unwrap().contains("nothing was imported"));
    assert_eq!(count(&app, "actors").await, 0);
    let (_, changes) = status_json(app.get("/changes", Role::Assistant).await).await;
    assert_eq!(changes["total"], 0, "{changes}");

    // A header without a required column, a row with too many cells.
    let res = import(&app, "actors", "name,gender\nAnn,female\n", false).await;
    let (status, body) = status_json(res).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["problems"],
        json!([{"row": 1, "column": "age", "message": "the header row has no `age` column"}])
    );
    let res =
        import(&app, "movies", "title,release_date\nA,2020-01-01,extra\nB,not a date\n", false)
            .await;
    let (status, body) = status_json(res).await;
    assert_eq!(status, 422);
    let rows: Vec<i64> =
        body["problems"].as_array().unwrap().iter().map(|p| p["row"].as_i64().unwrap()).collect();
    assert_eq!(rows, [2, 3]);
    assert_eq!(count(&app, "movies").await, 0);
}

async fn a_dry_run_writes_nothing_and_an_import_is_journaled(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    // A byte-order mark, `;` separators, columns in another order and case.
    let csv = "\u{feff}GENDER;name;AGE\r\nfemale;Müller, Anna;30\r\nmale;\"Ob;rien\";41\r\n";
    let (status, body) = status_json(import(&app, "actors", csv, true).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["dry_run"], true);
    assert_eq!(body["rows"], 2);
    assert_eq!(body["created"], json!([]));
    assert_eq!(body["columns"], json!(["name", "age", "gender"]));
    assert_eq!(
        body["preview"],
        json!([["Müller, Anna", "30", "female"], ["Ob;rien", "41", "male"]])
    );
    assert_eq!(count(&app, "actors").await, 0);

    let (status, body) = status_json(import(&app, "actors", csv, false).await).await;
    assert_eq!(status, 200, "{body}");
    let ids: Vec<i64> =
        body["created"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 2);
    let (_, actor) =
        status_json(app.get(&format!("/actors/{}", ids[1]), Role::Assistant).await).await;
    assert_eq!(actor["actor"]["name"], "Ob;rien");
    let (_, changes) = status_json(app.get("/changes?action=create", Role::Assistant).await).await;
    assert_eq!(changes["total"], 2, "each row is a journaled create");

    let (status, body) =
        status_json(import(&app, "movies", "Title\nNew film\n", false).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(count(&app, "movies").await, 1);
}

async fn imports_have_limits_and_clear_refusals(db: TestDb) {
    let app =
        TestApp::start(db, Options { import_max_bytes: Some(300_000), ..Options::default() }).await;
    let mut rows = String::from("name,age,gender\n");
    for i in 0..10_001 {
        rows.push_str(&format!("A{i},1,f\n"));
    }
    assert!(rows.len() < 300_000);
    expect_error(import(&app, "actors", rows.clone(), false).await, 422, "too_many_rows").await;
    let big = "x".repeat(400_000);
    expect_error(
        import(&app, "actors", format!("name,age,gender\n{big},1,f\n"), false).await,
        413,
        "payload_too_large",
    )
    .await;
    expect_error(
        import(&app, "actors", b"name,age,gender\n\xE9t\xE9,1,f\n".to_vec(), false).await,
        422,
        "not_utf8",
    )
    .await;
    expect_error(import(&app, "actors", "", false).await, 422, "empty_file").await;
    let res = app
        .request(Method::POST, "/actors/import", Some(&app.token(Role::Producer)))
        .json(&json!({"name": "Ann"}))
        .send()
        .await
        .unwrap();
    expect_error(res, 415, "unsupported_media_type").await;
    // The web form's multipart upload is read too.
    let boundary = "----sheet-boundary";
    let form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\
         Content-Type: text/csv\r\n\r\nname,age,gender\nFormed,3,f\n\r\n--{boundary}--\r\n"
    );
    let res = app
        .request(Method::POST, "/actors/import", Some(&app.token(Role::Producer)))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(count(&app, "actors").await, 1);
}

async fn spreadsheets_take_the_same_permissions(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let movie = app.seed_movie("Cast list").await;
    let actor = app.seed_actor("Castable, \"A\"").await;
    let res = app
        .send_json(
            Method::PUT,
            &format!("/movies/{movie}/actors/{actor}"),
            Role::Director,
            json!({"character": "=Lead"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // A caller without the permission hears 403, whatever the body, and before the file is
    // read: a megabyte left unread closes the connection rather than keeping it.
    let mut junk = b"\x01garbage\n".to_vec();
    junk.resize(1 << 20, b'x');
    let res = app
        .request(Method::POST, "/actors/import", Some(&app.token(Role::Assistant)))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(junk)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get(header::CONNECTION).map(|v| v.as_bytes()), Some(&b"close"[..]));
    expect_error(res, 403, "forbidden").await;
    let res = app
        .request(Method::POST, "/movies/import", Some(&app.token(Role::Director)))
        .header(header::CONTENT_TYPE, "text/csv")
        .body("title\nX\n")
        .send()
        .await
        .unwrap();
    expect_error(res, 403, "forbidden").await;
    let res = app.request(Method::GET, "/actors?format=csv", None).send().await.unwrap();
    expect_error(res, 401, "not_signed_in").await;
    let res = app.request(Method::GET, "/actors", None).send().await.unwrap();
    expect_error(res, 401, "authorization_header_missing").await;
    let res = app
        .send_json(Method::POST, "/movies/bulk-delete", Role::Director, json!({"ids": [movie]}))
        .await;
    expect_error(res, 403, "forbidden").await;
    // The cast as a spreadsheet.
    let (_, text) = export(&app, &format!("/movies/{movie}/actors")).await;
    assert_eq!(
        text,
        format!("actor_id,name,character\r\n{actor},\"Castable, \"\"A\"\"\",'=Lead\r\n")
    );
    assert_eq!(count(&app, "movies").await, 1);
}

async fn a_bulk_delete_is_all_or_nothing_and_undone_at_once(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let (a, b, c) =
        (app.seed_actor("A").await, app.seed_actor("B").await, app.seed_actor("C").await);
    let movie = app.seed_movie("M").await;
    let res = app
        .send_json(
            Method::PUT,
            &format!("/movies/{movie}/actors/{a}"),
            Role::Director,
            json!({"character": "Lead"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let bulk =
        |path: &'static str, body: Value| app.send_json(Method::POST, path, Role::Director, body);

    expect_error(
        bulk("/actors/bulk-delete", json!({"ids": [a, b, 987_654]})).await,
        404,
        "not_found",
    )
    .await;
    let res =
        bulk("/actors/bulk-delete", json!({"ids": [a, b], "versions": {b.to_string(): 7}})).await;
    expect_error(res, 412, "precondition_failed").await;
    expect_error(bulk("/actors/bulk-delete", json!({"ids": []})).await, 422, "required").await;
    expect_error(bulk("/actors/bulk-delete", json!({"ids": [a, a]})).await, 422, "invalid_field")
        .await;
    let too_many: Vec<i64> = (1..=1_001).collect();
    expect_error(bulk("/actors/bulk-delete", json!({"ids": too_many})).await, 422, "too_many")
        .await;
    assert_eq!(count(&app, "actors").await, 3, "nothing deleted");

    let res =
        bulk("/actors/bulk-delete", json!({"ids": [b, a], "versions": {b.to_string(): 1}})).await;
    let (status, body) = status_json(res).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["deleted"], json!([a, b]));
    assert_eq!(body["assignments_removed"], 1);
    assert_eq!(count(&app, "actors").await, 1);
    let res = app.get(&format!("/actors/{c}"), Role::Director).await;
    assert_eq!(res.status(), 200, "the actor not listed stays");
    let (_, cast) =
        status_json(app.get(&format!("/movies/{movie}/actors"), Role::Director).await).await;
    assert_eq!(cast["total"], 0);
    let (_, trash) = status_json(app.get("/trash", Role::Director).await).await;
    assert_eq!(trash["total"], 2, "{trash}");

    // One undo for the batch: both back, with the cast link; a second is a 404 and changes nothing.
    let (status, body) =
        status_json(bulk("/actors/bulk-restore", json!({"ids": [a, b]})).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["restored"], json!([a, b]));
    assert_eq!(body["links_restored"], 1);
    expect_error(bulk("/actors/bulk-restore", json!({"ids": [a]})).await, 404, "not_found").await;
    let (_, cast) =
        status_json(app.get(&format!("/movies/{movie}/actors"), Role::Director).await).await;
    assert_eq!(cast["total"], 1);
    assert_eq!(count(&app, "actors").await, 3);

    let res = app
        .send_json(Method::POST, "/movies/bulk-delete", Role::Producer, json!({"ids": [movie]}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(count(&app, "movies").await, 0);
}
