//! The full RBAC matrix: three roles and no token, against every endpoint.

use casting_agency::model::{Permission, Role};
use reqwest::Method;
use serde_json::json;

use crate::support::{Options, TestApp, TestDb, status_json};

crate::on_both_databases!(every_role_against_every_endpoint);

const ENDPOINTS: &[(Method, &str, Permission)] = &[
    (Method::GET, "/actors", Permission::GetActors),
    (Method::GET, "/actors/{actor}", Permission::GetActors),
    (Method::POST, "/actors", Permission::PostActors),
    (Method::PATCH, "/actors/{actor}", Permission::PatchActors),
    (Method::DELETE, "/actors/{actor}", Permission::DeleteActors),
    (Method::GET, "/movies", Permission::GetMovies),
    (Method::GET, "/movies/{movie}", Permission::GetMovies),
    (Method::POST, "/movies", Permission::PostMovies),
    (Method::PATCH, "/movies/{movie}", Permission::PatchMovies),
    (Method::DELETE, "/movies/{movie}", Permission::DeleteMovies),
];

async fn every_role_against_every_endpoint(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let callers = [None, Some(Role::Assistant), Some(Role::Director), Some(Role::Producer)];
    let mut failures = Vec::new();
    for caller in callers {
        for (method, template, permission) in ENDPOINTS {
            let actor = app.seed_actor("Fixture Actor").await;
            let movie = app.seed_movie("Fixture Movie").await;
            let path = template
                .replace("{actor}", &actor.to_string())
                .replace("{movie}", &movie.to_string());
            let body = match (method.as_str(), template.starts_with("/actors")) {
                ("POST", true) => Some(json!({"name": "New", "age": 30, "gender": "male"})),
                ("POST", false) => Some(json!({"title": "New", "release_date": "2025-01-01"})),
                ("PATCH", true) => Some(json!({"name": "Renamed"})),
                ("PATCH", false) => Some(json!({"title": "Renamed"})),
                _ => None,
            };
            let token = caller.map(|role| app.token(role));
            let mut request = app.request(method.clone(), &path, token.as_deref());
            if let Some(body) = body {
                request = request.json(&body);
            }
            let (status, body) = status_json(request.send().await.unwrap()).await;
            let expected = match caller {
                None => 401,
                Some(role) if role.permissions().contains(permission) => 200,
                Some(_) => 403,
            };
            if status != expected || (expected == 403 && body["code"] != "forbidden") {
                failures.push(format!(
                    "{caller:?} {method} {template}: got {status} {body}, want {expected}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "RBAC mismatches:\n{}", failures.join("\n"));
}
