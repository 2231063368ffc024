//! The web app's sign-in and server functions: Auth0's authorization-code flow with PKCE
//! against a fake Auth0 on loopback, the session cookie, cross-site write refusal, and the
//! same permission checks as the REST API.

use casting_agency::model::Role;
use reqwest::{Method, Response, header, redirect::Policy};
use serde_json::{Value, json};

use crate::support::{CLIENT_ID, Options, TestApp, TestDb, now, status_json};

crate::on_both_databases!(
    auth0_sign_in_with_pkce,
    auth0_callback_refuses_forged_or_stale_flows,
    server_functions_check_session_origin_and_permissions,
    expired_session_is_reported,
);

pub(crate) fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

fn set_cookies(res: &Response) -> Vec<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// `name=value` of the Set-Cookie for `name`.
pub(crate) fn cookie_pair(res: &Response, name: &str) -> Option<String> {
    set_cookies(res)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

fn query_param(url: &str, key: &str) -> Option<String> {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Calls a server function the way the hydrated app does.
pub(crate) async fn server_fn(
    app: &TestApp,
    path: &str,
    cookie: &str,
    origin: &str,
    form: &[(&str, &str)],
) -> Response {
    app.client
        .post(app.url(path))
        .header(header::COOKIE, cookie)
        .header(header::ORIGIN, origin)
        .header(header::ACCEPT, "application/json")
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn auth0_sign_in_with_pkce(db: TestDb) {
    let app = TestApp::start(db, Options { fake_issuer: true, ..Options::default() }).await;
    let http = no_redirects();

    // 1. The app sends the browser to Auth0.
    let res = http.get(app.url("/auth/login")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with(&format!("{}authorize?", app.jwks.base)), "{location}");
    for (key, value) in [
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", "http://app.test/auth/callback"),
        ("audience", crate::support::AUDIENCE),
        ("code_challenge_method", "S256"),
    ] {
        assert_eq!(query_param(&location, key).as_deref(), Some(value), "{key} in {location}");
    }
    let state = query_param(&location, "state").unwrap();
    let challenge = query_param(&location, "code_challenge").unwrap();
    assert!(state.len() >= 32 && challenge.len() == 43);
    let flow = set_cookies(&res).into_iter().find(|c| c.starts_with("casting_oauth=")).unwrap();
    assert!(flow.contains("HttpOnly") && flow.contains("SameSite=Lax"), "{flow}");
    let flow = flow.split(';').next().unwrap().to_owned();

    // 2. The person signs in at Auth0, which redirects back with a code.
    let claims = json!({
        "iss": app.jwks.base, "sub": "auth0|ada", "aud": [crate::support::AUDIENCE],
        "exp": now() + 3600, "permissions": ["get:actors", "get:movies", "post:actors", "delete:actors", "patch:actors", "patch:movies"],
    });
    app.jwks.issue_code("code-1", &challenge, app.key.sign(&claims));
    let res = http
        .get(app.url(&format!("/auth/callback?code=code-1&state={state}")))
        .header(header::COOKIE, &flow)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()[header::LOCATION], "/");
    let session_cookie =
        set_cookies(&res).into_iter().find(|c| c.starts_with("casting_session=")).unwrap();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session_cookie.contains(attribute), "{session_cookie}");
    }
    let session = cookie_pair(&res, "casting_session").unwrap();

    // 3. The session works, and says who this is.
    let res = server_fn(&app, "/api/session", &session, "http://app.test", &[]).await;
    let (status, info) = status_json(res).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["user"]["subject"], "auth0|ada");
    assert_eq!(info["local_mode"], false);
    assert_eq!(info["user"]["permissions"].as_array().unwrap().len(), 6);

    // 4. Signing out ends Auth0's session too.
    let res = http
        .post(app.url("/auth/logout"))
        .header(header::COOKIE, &session)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let to = res.headers()[header::LOCATION].to_str().unwrap();
    assert!(to.starts_with(&format!("{}v2/logout?", app.jwks.base)), "{to}");
    assert_eq!(query_param(to, "returnTo").as_deref(), Some("http://app.test/login"));
    assert!(cookie_pair(&res, "casting_session").is_some_and(|c| c == "casting_session="));
}

async fn auth0_callback_refuses_forged_or_stale_flows(db: TestDb) {
    let app = TestApp::start(db, Options { fake_issuer: true, ..Options::default() }).await;
    let http = no_redirects();
    let start = || async {
        let res = http.get(app.url("/auth/login")).send().await.unwrap();
        let location = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
        let flow = cookie_pair(&res, "casting_oauth").unwrap();
        (
            query_param(&location, "state").unwrap(),
            query_param(&location, "code_challenge").unwrap(),
            flow,
        )
    };
    let callback = |query: String, cookie: Option<String>| {
        let mut request = http.get(app.url(&format!("/auth/callback?{query}")));
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.send()
    };
    let expect_refused = |res: Response, reason: &str| {
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()[header::LOCATION], format!("/login?error={reason}").as_str());
        assert!(cookie_pair(&res, "casting_session").is_none(), "no session on failure");
    };
    let token = app.key.sign(&json!({
        "iss": app.jwks.base, "sub": "auth0|x", "aud": crate::support::AUDIENCE, "exp": now() + 60, "permissions": [],
    }));

    // A state that is not this browser's (login CSRF).
    let (_, challenge, flow) = start().await;
    app.jwks.issue_code("c1", &challenge, token.clone());
    expect_refused(callback("code=c1&state=forged".into(), Some(flow)).await.unwrap(), "state");
    // No flow cookie (expired, or another browser).
    let (state, challenge, _) = start().await;
    app.jwks.issue_code("c2", &challenge, token.clone());
    expect_refused(callback(format!("code=c2&state={state}"), None).await.unwrap(), "expired");
    // A stolen code redeemed without the matching PKCE verifier.
    let (state, _, _) = start().await;
    let (_, other_challenge, _) = start().await;
    app.jwks.issue_code("c3", &other_challenge, token.clone());
    let forged_flow = format!("casting_oauth={state}.not-the-verifier");
    expect_refused(
        callback(format!("code=c3&state={state}"), Some(forged_flow)).await.unwrap(),
        "exchange",
    );
    // The person declined at Auth0.
    expect_refused(callback("error=access_denied&state=x".into(), None).await.unwrap(), "denied");
    // A token the API would not accept (wrong audience) does not make a session either.
    let (state, challenge, flow) = start().await;
    let wrong_aud =
        app.key.sign(&json!({"iss": app.jwks.base, "sub": "a", "aud": "other", "exp": now() + 60}));
    app.jwks.issue_code("c4", &challenge, wrong_aud);
    expect_refused(callback(format!("code=c4&state={state}"), Some(flow)).await.unwrap(), "token");
}

pub(crate) async fn local_session(app: &TestApp, role: &str) -> String {
    let res = no_redirects()
        .post(app.url("/auth/local-login"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("role", role)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    cookie_pair(&res, "casting_session").expect("a session cookie")
}

async fn server_functions_check_session_origin_and_permissions(db: TestDb) {
    let app = TestApp::start(db, Options { local: true, ..Options::default() }).await;
    let origin = format!("http://{}", app.addr);
    let actor = [("name", "Ann"), ("age", "30"), ("gender", "female")];

    // Signing in is itself a write: a cross-site form cannot sign a browser in.
    let res = no_redirects()
        .post(app.url("/auth/local-login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("role", "producer")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let director = local_session(&app, "director").await;
    let assistant = local_session(&app, "assistant").await;

    // A malformed sign-in post is the client's error (JSON, 4xx), never a logged 500.
    let res = app
        .client
        .post(app.url("/auth/local-login"))
        .json(&json!({"role": "producer"}))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!((status, body["code"].as_str()), (415, Some("unsupported_media_type")), "{body}");

    // No session: 401. Another site's page riding on the cookie: 403.
    let res = app
        .client
        .post(app.url("/api/actors/create"))
        .header(header::ACCEPT, "application/json")
        .form(&actor)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("not_signed_in")), "{body}");
    let res =
        server_fn(&app, "/api/actors/create", &director, "https://evil.example", &actor).await;
    let (status, body) = status_json(res).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("cross_origin")), "{body}");

    // Same origin: the service's permission and validation rules, as on the REST API.
    let res = server_fn(&app, "/api/actors/create", &assistant, &origin, &actor).await;
    let (status, body) = status_json(res).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
    // Permission comes before decoding: what an assistant typed is never judged.
    let junk = [("name", " "), ("age", "old"), ("gender", "")];
    let res = server_fn(&app, "/api/actors/create", &assistant, &origin, &junk).await;
    let (status, body) = status_json(res).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
    let res = server_fn(
        &app,
        "/api/actors/create",
        &director,
        &origin,
        &[("name", " "), ("age", "30"), ("gender", "f")],
    )
    .await;
    let (status, body) = status_json(res).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("name")), "{body}");
    let res = server_fn(
        &app,
        "/api/actors/create",
        &director,
        &origin,
        &[("name", "Ann"), ("age", "old"), ("gender", "f")],
    )
    .await;
    let (status, body) = status_json(res).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("age")), "{body}");

    let res = server_fn(&app, "/api/actors/create", &director, &origin, &actor).await;
    let (status, created) = status_json(res).await;
    assert_eq!(status, 200, "{created}");

    // An edit form saved unchanged writes nothing, but needs the write permission all the
    // same; a stale version with a change is a conflict that names the record as it is now.
    let id = created["id"].to_string();
    let form = |version: &'static str, age: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("id", id.clone()),
            ("version", version.to_owned()),
            ("name", "Ann".to_owned()),
            ("age", age.to_owned()),
            ("gender", "female".to_owned()),
            ("shown_name", "Ann".to_owned()),
            ("shown_age", "30".to_owned()),
            ("shown_gender", "female".to_owned()),
        ]
    };
    let untouched = form("1", "30");
    let untouched: Vec<(&str, &str)> = untouched.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = server_fn(&app, "/api/actors/update", &assistant, &origin, &untouched).await;
    let (status, body) = status_json(res).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
    let res = server_fn(&app, "/api/actors/update", &director, &origin, &untouched).await;
    let (status, body) = crate::support::status_json_versioned(res).await;
    assert_eq!((status, &body["version"]), (200, &json!(1)), "nothing written: {body}");
    let stale = form("7", "31");
    let stale: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = server_fn(&app, "/api/actors/update", &director, &origin, &stale).await;
    let (status, body) = crate::support::status_json_versioned(res).await;
    assert_eq!((status, body["code"].as_str()), (412, Some("precondition_failed")), "{body}");
    assert_eq!((&body["current"]["version"], &body["submitted"]["age"]), (&json!(1), &json!("31")));
    // Reads need no same-origin proof.
    let res =
        server_fn(&app, "/api/actors/list", &assistant, "https://elsewhere.example", &[]).await;
    let (status, listed) = status_json(res).await;
    assert_eq!(status, 200);
    assert_eq!(
        (&listed["items"], &listed["total"], &listed["page"]),
        (&json!([created]), &json!(1), &json!(1))
    );

    // The REST API sees the same data and never accepts the cookie as credentials.
    let res =
        app.client.get(app.url("/actors")).header(header::COOKIE, &director).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let token = app.core.local.as_ref().unwrap().issue(Role::Assistant).access_token;
    let listed: Value = app
        .request(Method::GET, "/actors", Some(&token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["actors"][0]["name"], "Ann");
}

async fn expired_session_is_reported(db: TestDb) {
    let app = TestApp::start(db, Options::default()).await;
    let mut claims = app.claims(Role::Producer);
    claims["exp"] = json!(now() - 3600);
    let cookie = format!("casting_session={}", app.key.sign(&claims));
    let res = server_fn(&app, "/api/session", &cookie, "http://app.test", &[]).await;
    let (status, info) = status_json(res).await;
    assert_eq!(status, 200);
    assert_eq!((info["user"].clone(), info["expired"].clone()), (Value::Null, json!(true)));
    let res = server_fn(&app, "/api/actors/list", &cookie, "http://app.test", &[]).await;
    let (status, body) = status_json(res).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("token_expired")), "{body}");

    // In Auth0 mode there is no local sign-in for the web app either.
    let res = no_redirects()
        .post(app.url("/auth/local-login"))
        .form(&[("role", "producer")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}
