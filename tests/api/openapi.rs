//! The OpenAPI document at `/openapi.json`: well-formed, in step with the routes actually
//! served (probed over HTTP, both ways), pinned by a snapshot, and Swagger UI served from the
//! binary. Run with `UPDATE_SNAPSHOTS=1` to accept an intended change to the API.

use std::{collections::BTreeSet, path::PathBuf};

use casting_agency::model::Permission;
use reqwest::{Method, header};
use serde_json::Value;

use crate::support::{Options, TestApp, TestDb, status_json};

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

async fn document(app: &TestApp) -> Value {
    let (status, doc) =
        status_json(app.client.get(app.url("/openapi.json")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    doc
}

/// `METHOD /path` for every documented operation.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            assert!(METHODS.contains(&method.as_str()), "unexpected key {method} under {path}");
            ops.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    ops
}

/// Every `$ref` in `value` names something in the document.
fn check_refs(doc: &Value, value: &Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let pointer = target.strip_prefix('#').expect("local reference");
                assert!(doc.pointer(pointer).is_some(), "dangling reference {target}");
            }
            map.values().for_each(|v| check_refs(doc, v));
        }
        Value::Array(items) => items.iter().for_each(|v| check_refs(doc, v)),
        _ => {}
    }
}

fn check_well_formed(doc: &Value) {
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    check_refs(doc, doc);
    let mut ids = BTreeSet::new();
    for (method, path, op) in operations(doc) {
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path}: no id"));
        assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|s| s.starts_with('2') || s.starts_with('3')),
            "{method} {path}: no success response"
        );
        // Path templates and path parameters agree.
        let declared: BTreeSet<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        let templated: BTreeSet<&str> =
            path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect();
        assert_eq!(declared, templated, "{method} {path}: path parameters");
        // Secured operations name real permissions and document 401 and 403.
        if let Some(security) = op["security"].as_array() {
            for permission in security[0]["bearer"].as_array().unwrap() {
                let name = permission.as_str().unwrap();
                assert!(Permission::parse(name).is_some(), "{method} {path}: `{name}`");
            }
            for status in ["401", "403", "500", "503"] {
                assert!(responses.contains_key(status), "{method} {path}: no {status}");
            }
        }
        if op.get("requestBody").is_some() && op["tags"][0] != "web sign-in" {
            for status in ["400", "413", "415", "422"] {
                assert!(responses.contains_key(status), "{method} {path}: no {status}");
            }
        }
    }
}

/// Compares with the stored snapshot, or rewrites it when `UPDATE_SNAPSHOTS` is set.
fn check_snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/api/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {}; run with UPDATE_SNAPSHOTS=1", path.display()));
    if expected != actual {
        let first = expected.lines().zip(actual.lines()).position(|(a, b)| a != b);
        panic!(
            "{name} differs from the snapshot (first at line {}): the API changed; if intended, \
             run with UPDATE_SNAPSHOTS=1 and review the diff",
            first.map_or(0, |i| i + 1)
        );
    }
}

fn route_table(doc: &Value) -> String {
    let mut table = String::new();
    for (method, path, op) in operations(doc) {
        let needs = op["security"][0]["bearer"]
            .as_array()
            .map(|p| p.iter().map(|p| p.as_str().unwrap()).collect::<Vec<_>>().join(" + "))
            .unwrap_or_else(|| "public".to_owned());
        table.push_str(&format!("{method:6} {path:36} {needs}\n"));
    }
    table
}

/// Asks for every documented operation (ids filled in, no token): each must reach a handler,
/// never the 404 fallback or a 405. Every other method on a documented path must be a 405.
async fn probe_routes(app: &TestApp, doc: &Value) {
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path.replace("{id}", "1").replace("{actor_id}", "1");
        for method in METHODS {
            let res = app
                .client
                .request(
                    Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                    app.url(&concrete),
                )
                .header(header::ACCEPT, "application/json")
                .send()
                .await
                .unwrap();
            let (status, body) = (res.status().as_u16(), res.text().await.unwrap());
            let fell_through = status == 404 && body.contains("nothing at");
            if item.get(method).is_some() {
                assert!(
                    status != 405 && !fell_through,
                    "documented {method} {path} is not served: {status} {body}"
                );
            } else {
                assert_eq!(status, 405, "undocumented {method} {path} is served: {body}");
            }
        }
    }
}

/// Routes that exist in one mode only must be absent from the other's document and server.
async fn probe_absent(app: &TestApp, doc: &Value, absent: &[(&str, &str)]) {
    for (method, path) in absent {
        assert!(doc["paths"].get(*path).is_none(), "{path} is documented but should not be");
        let res = app
            .client
            .request(Method::from_bytes(method.as_bytes()).unwrap(), app.url(path))
            .header(header::ACCEPT, "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{method} {path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_matches_the_routes_in_local_mode() {
    let app = TestApp::start(TestDb::sqlite(), Options { local: true, ..Options::default() }).await;
    let doc = document(&app).await;
    check_well_formed(&doc);
    probe_routes(&app, &doc).await;
    probe_absent(&app, &doc, &[("GET", "/auth/login"), ("GET", "/auth/callback")]).await;
    check_snapshot("routes-local.txt", &route_table(&doc));
    check_snapshot("openapi-local.json", &serde_json::to_string_pretty(&doc).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_matches_the_routes_with_auth0() {
    let options = Options { fake_issuer: true, ..Options::default() };
    let app = TestApp::start(TestDb::sqlite(), options).await;
    let doc = document(&app).await;
    check_well_formed(&doc);
    probe_routes(&app, &doc).await;
    probe_absent(
        &app,
        &doc,
        &[
            ("POST", "/auth/dev-token"),
            ("GET", "/.well-known/jwks.json"),
            ("POST", "/auth/local-login"),
        ],
    )
    .await;
    check_snapshot("routes-auth0.txt", &route_table(&doc));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swagger_ui_is_served_from_the_binary() {
    let app = TestApp::start(TestDb::sqlite(), Options::default()).await;
    let res = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(res.status(), 200, "redirected to /docs/ and served");
    let page = res.text().await.unwrap();
    assert!(page.contains("swagger-ui"), "{page}");
    // Nothing from a CDN: every script and style sheet is a relative path under /docs/.
    for marker in ["src=\"http", "href=\"http", "//unpkg", "//cdn"] {
        assert!(!page.contains(marker), "external reference `{marker}` in {page}");
    }
    let res = app.client.get(app.url("/docs/swagger-ui-bundle.js")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().len() > 100_000, "the real bundle");
    let init = app.client.get(app.url("/docs/swagger-initializer.js")).send().await.unwrap();
    assert!(init.text().await.unwrap().contains("/openapi.json"), "points at our document");
}
