//! What reaches a browser: hostile names and titles stay text on every page (the `<title>`
//! included), every page carries a Content-Security-Policy whose nonce is on every script and
//! the other security headers, forged form errors are not shown, and no redirect leaves the
//! origin.

use casting_agency::model::Role;
use reqwest::{Method, header};
use serde_json::json;

use crate::{
    support::{Options, TestApp, TestDb},
    web::{local_session, no_redirects, server_fn},
};

crate::on_both_databases!(hostile_text_stays_text_on_every_page);

/// Closes the title, opens a script, and tries an attribute handler and an entity on the way.
const HOSTILE: &str =
    "</title><script>alert(\"t\")</script><img src=x onerror=alert(1)>&amp; 'q' \"d\"";

async fn page(app: &TestApp, path: &str, session: &str) -> (reqwest::header::HeaderMap, String) {
    let res = app
        .client
        .get(app.url(path))
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, session)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    let headers = res.headers().clone();
    (headers, res.text().await.unwrap())
}

/// The nonce a page's Content-Security-Policy allows scripts with.
fn policy_nonce(headers: &reqwest::header::HeaderMap) -> String {
    let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let start = policy.find("'nonce-").expect("a nonce in the policy") + 7;
    policy[start..].split('\'').next().unwrap().to_owned()
}

/// Every `<script` in `html` carries `nonce`, and none was written by the hostile text.
fn assert_only_our_scripts(html: &str, nonce: &str, path: &str) {
    assert!(!html.contains("<script>alert"), "{path}: a hostile script in the page");
    assert!(!html.contains("<img src=x"), "{path}: a hostile element in the page");
    for (at, _) in html.match_indices("<script") {
        let tag = &html[at..at + html[at..].find('>').unwrap()];
        assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{path}: script without nonce: {tag}");
    }
}

fn title(html: &str) -> &str {
    let start = html.find("<title>").expect("a <title>") + "<title>".len();
    &html[start..start + html[start..].find("</title>").unwrap()]
}

async fn hostile_text_stays_text_on_every_page(db: TestDb) {
    let app = TestApp::start(db, Options { local: true, ..Options::default() }).await;
    let token = app.local_token(Role::Producer).await;
    let send = |method: Method, path: &str, body: serde_json::Value| {
        app.request(method, path, Some(&token)).json(&body).send()
    };
    let res = send(
        Method::POST,
        "/actors",
        json!({"name": HOSTILE, "age": 30, "gender": "<img src=x onerror=alert(2)>"}),
    );
    let actor =
        res.await.unwrap().json::<serde_json::Value>().await.unwrap()["created"].as_i64().unwrap();
    let res =
        send(Method::POST, "/movies", json!({"title": HOSTILE, "release_date": "2024-01-02"}));
    let movie = res.await.unwrap().json::<serde_json::Value>().await.unwrap()["created_id"]
        .as_i64()
        .unwrap();
    let cast = send(
        Method::PUT,
        &format!("/movies/{movie}/actors/{actor}"),
        json!({"character": HOSTILE}),
    );
    assert!(cast.await.unwrap().status().is_success());

    let session = local_session(&app, "producer").await;
    let hostile_search = "/actors?q=%3C%2Ftitle%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    for path in [
        format!("/actors/{actor}"),
        format!("/movies/{movie}"),
        "/actors".to_owned(),
        "/movies".to_owned(),
        "/".to_owned(),
        hostile_search.to_owned(),
    ] {
        let (headers, html) = page(&app, &path, &session).await;
        let nonce = policy_nonce(&headers);
        assert_only_our_scripts(&html, &nonce, &path);
        assert!(!title(&html).contains('<'), "{path}: markup in the title: {}", title(&html));
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        // Back after signing out must not show the last person's data from a cache.
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{path}");
    }
    let res =
        server_fn(&app, "/api/actors/list", &session, &format!("http://{}", app.addr), &[]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store", "server-function answers");
    // The detail pages name the record in the title, as text.
    let (_, html) = page(&app, &format!("/actors/{actor}"), &session).await;
    assert!(title(&html).starts_with("&lt;/title&gt;&lt;script&gt;"), "{}", title(&html));
    // Each render has a nonce of its own.
    let (first, _) = page(&app, "/actors", &session).await;
    let (second, _) = page(&app, "/actors", &session).await;
    assert_ne!(policy_nonce(&first), policy_nonce(&second));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn docs_and_api_answers_carry_security_headers() {
    let app = TestApp::start(TestDb::sqlite(), Options::default()).await;
    let docs = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    let policy = docs.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    assert!(policy.contains("script-src 'self';") && policy.contains("frame-ancestors 'none'"));
    assert_eq!(docs.headers()[header::X_FRAME_OPTIONS], "DENY");
    let api = app.get("/actors", Role::Assistant).await;
    assert_eq!(api.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(api.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("'none'"));
}

/// `?__err=` is how a failed no-JavaScript form post shows its error on the page it returns
/// to. Only errors this server signed are shown; a crafted link is sent to the page without
/// its text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_signed_form_errors_reach_the_page() {
    use base64::{Engine, engine::general_purpose::URL_SAFE};
    let app = TestApp::start(TestDb::sqlite(), Options { local: true, ..Options::default() }).await;
    let session = local_session(&app, "producer").await;
    let http = no_redirects();
    let forged = URL_SAFE.encode(
        json!({"status": 422, "code": "x", "message": "Call 555-0100 to verify your account"})
            .to_string(),
    );
    let res = http
        .get(app.url(&format!("/actors?q=a&__path=%2Fapi%2Factors%2Fcreate&__err={forged}")))
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "a forged error is not rendered");
    assert_eq!(res.headers()[header::LOCATION], "/actors?q=a");

    // A real failure of a form posted without JavaScript comes back signed, and is shown.
    let res = http
        .post(app.url("/api/actors/create"))
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, &session)
        .header("sec-fetch-site", "same-origin")
        .header(header::REFERER, "https://elsewhere.example/actors?q=a")
        .form(&[("name", "Ada"), ("age", "999"), ("gender", "female")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with("/actors?q=a&__path="), "stays on this origin: {location}");
    assert!(location.contains("&__sig="), "{location}");
    let res = http
        .get(app.url(&location))
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // In the person's words (app::messages), not the API's.
    assert!(res.text().await.unwrap().contains("Age must be a whole number from 0 to 150."));

    // The signature binds the page: the same error on another page is not shown.
    let moved = location.replacen("/actors?", "/movies?", 1);
    let res = http.get(app.url(&moved)).header(header::COOKIE, &session).send().await.unwrap();
    assert_eq!(res.status(), 303);
    // Parameter names are compared decoded, as Leptos reads them.
    let encoded = format!("/actors?__path=%2Fapi%2Factors%2Fcreate&%5F%5Ferr={forged}");
    let res = http.get(app.url(&encoded)).header(header::COOKIE, &session).send().await.unwrap();
    assert_eq!(res.status(), 303);
    // A Referer that already carries an error (relative, so Leptos leaves it as it is) does not
    // get that error signed: the redirect drops it, and a call that succeeds adds none.
    let referer = format!("/actors?__path=%2Fapi%2Factors%2Fcreate&__err={forged}");
    let res = http
        .post(app.url("/api/session"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, &referer)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()[header::LOCATION], "/actors");
}

/// `GET //pkg` was answered `307 Location: //pkg/`, which a browser opens on another host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_never_leave_the_origin() {
    let app = TestApp::start(TestDb::sqlite(), Options::default()).await;
    std::fs::create_dir_all(app.data_dir.path().join("pkg")).unwrap();
    std::fs::create_dir_all(app.data_dir.path().join("media")).unwrap();
    let http = no_redirects();
    // A directory of the site root: redirected to its slashed form, on this origin.
    for path in ["//media", "///media", "/media"] {
        let res = http.get(app.url(path)).send().await.unwrap();
        assert!(res.status().is_redirection(), "{path}: {}", res.status());
        assert_eq!(res.headers()[header::LOCATION], "/media/", "{path}");
    }
    // The bundle's directory is no page: not found, and never sent elsewhere.
    for path in ["//pkg", "///pkg", "/pkg", "//pkg/"] {
        let res = http.get(app.url(path)).send().await.unwrap();
        let location = res.headers().get(header::LOCATION).map(|l| l.to_str().unwrap().to_owned());
        assert!(
            location.as_deref().is_none_or(|l| l.starts_with('/') && !l.starts_with("//")),
            "{path}: {location:?}"
        );
    }
    // Repeated slashes are merged before routing, so the REST routes answer as usual.
    let res = app.get("//actors", Role::Assistant).await;
    assert_eq!(res.status(), 200);
}

/// A missing record is a 404 page (it was a red line with status 200 and no title), with a
/// heading, an explanation and the way back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_records_are_404_pages() {
    let app = TestApp::start(TestDb::sqlite(), Options { local: true, ..Options::default() }).await;
    let session = local_session(&app, "producer").await;
    for (path, what, back) in [
        ("/actors/987654321", "actor", "/actors"),
        ("/actors/not-a-number", "actor", "/actors"),
        ("/movies/987654321", "movie", "/movies"),
    ] {
        let res = app
            .client
            .get(app.url(path))
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, &session)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{path}");
        let html = res.text().await.unwrap();
        assert_eq!(title(&html), format!("No such {what} · Casting Agency"), "{path}");
        assert!(html.contains(&format!("<h1>No such {what}")), "{path}");
        assert!(html.contains(&format!("href=\"{back}\"")), "{path}");
    }
}
