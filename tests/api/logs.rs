//! `LOG_FORMAT=json` (issue 17): the real binary writes one JSON object per line, each
//! request's line carries its id, route, status, latency and the caller's `sub`, and no line
//! carries a token, a cookie or a password, whatever the requests sent.

use std::{
    io::Read,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_parse_carry_the_request_and_never_a_secret() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let data = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_casting-agency");
    let run = |cmd: &mut Command| {
        cmd.env("DATA_DIR", data.path())
            .env("LEPTOS_SITE_ROOT", data.path())
            // As cargo-leptos and the container image set it (Leptos prints a note without).
            .env("LEPTOS_OUTPUT_NAME", "casting-agency")
            .env_remove("AUTH0_DOMAIN")
            .env_remove("AUTH0_AUDIENCE")
            .env_remove("DATABASE_URL")
            .env_remove("APP_ENV");
    };
    let mut server = Command::new(bin);
    run(&mut server);
    let mut child = server
        .env("PORT", port.to_string())
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "the server did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let mut token_cmd = Command::new(bin);
    run(&mut token_cmd);
    let token = String::from_utf8(token_cmd.args(["token", "director"]).output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_owned();
    assert!(token.len() > 100, "a token: {token}");
    let client = reqwest::Client::new();
    let listed = client
        .get(format!("{base}/actors"))
        .bearer_auth(&token)
        .header("X-Request-Id", "req-under-test-1")
        .header("Cookie", "session=cookie-secret-value")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    assert_eq!(listed.headers()["x-request-id"], "req-under-test-1");
    let refused = client
        .post(format!("{base}/actors"))
        .bearer_auth("not.a-valid.token-secret")
        .json(&serde_json::json!({"name": "x", "age": 1, "gender": "f", "password": "hunter2-secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert!(refused.headers().contains_key("x-request-id"), "a fresh id when none was sent");

    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = child.wait();
    let mut logs = String::new();
    child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();

    let lines: Vec<Value> = logs
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    assert!(lines.iter().all(|l| l["timestamp"].is_string() && l["level"].is_string()));
    let done: Vec<&Value> = lines.iter().filter(|l| l["message"] == "request done").collect();
    let listed = done
        .iter()
        .find(|l| l["span"]["request_id"] == "req-under-test-1")
        .unwrap_or_else(|| panic!("the list request's line: {logs}"));
    assert_eq!(listed["span"]["route"], "/actors");
    assert_eq!(listed["span"]["method"], "GET");
    assert_eq!(listed["span"]["sub"], "local|director");
    assert_eq!(listed["status"], 200);
    assert!(listed["latency_ms"].as_f64().is_some());
    assert!(done.iter().any(|l| l["status"] == 401 && l["span"]["route"] == "/actors"));

    for secret in
        [token.as_str(), "not.a-valid.token-secret", "cookie-secret-value", "hunter2-secret"]
    {
        assert!(!logs.contains(secret), "a secret reached the logs: {secret}");
    }
    // And no fragment of the token either (a JWT's signature, say).
    let signature = token.rsplit('.').next().unwrap();
    assert!(!logs.contains(signature));
}
