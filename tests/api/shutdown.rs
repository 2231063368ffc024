//! Graceful shutdown of the real binary: on SIGTERM the listener closes (new connections are
//! refused), a request already in flight completes, and the process exits — at the latest when
//! the configured grace period runs out.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

struct Server {
    child: Child,
    port: u16,
    _data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

async fn start(grace_secs: u64) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let data = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_casting-agency"))
        .env("DATA_DIR", data.path())
        .env("PORT", port.to_string())
        .env("SHUTDOWN_GRACE_SECS", grace_secs.to_string())
        .env("RUST_LOG", "warn")
        .env("LEPTOS_SITE_ROOT", data.path())
        .env_remove("AUTH0_DOMAIN")
        .env_remove("AUTH0_AUDIENCE")
        .env_remove("DATABASE_URL")
        .env_remove("APP_ENV")
        .stdout(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    let server = Server { child, port, _data: data };
    let started = Instant::now();
    while reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "the server did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server
}

/// Sends a request head and the first bytes of its body, and stops there.
async fn half_sent_request(port: u16) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = "POST /auth/dev-token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
                Content-Length: 19\r\n\r\n{\"role\":";
    stream.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await; // the handler is reading the body
    stream
}

fn sigterm(server: &Server) {
    let status = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status();
    assert!(status.unwrap().success());
}

fn wait_for_exit(server: &mut Server, within: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            return status;
        }
        assert!(started.elapsed() < within, "still running {within:?} after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_requests_and_refuses_new_ones() {
    let mut server = start(10).await;
    let mut in_flight = half_sent_request(server.port).await;
    sigterm(&server);

    // The listener closes promptly.
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", server.port)).await.is_ok() {
        assert!(started.elapsed() < Duration::from_secs(2), "still accepting after SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The request that was in flight still gets its answer.
    in_flight.write_all(b"\"producer\"}").await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), in_flight.read_to_end(&mut answer))
        .await
        .expect("the in-flight request is answered")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("access_token"), "{answer}");
    // And then the process ends on its own, well before the grace period.
    let status = wait_for_exit(&mut server, Duration::from_secs(5));
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_request_does_not_keep_the_process_past_the_grace_period() {
    let mut server = start(1).await;
    let _stuck = half_sent_request(server.port).await; // never finished
    let started = Instant::now();
    sigterm(&server);
    let status = wait_for_exit(&mut server, Duration::from_secs(4));
    assert!(started.elapsed() >= Duration::from_millis(900), "it did wait for the request");
    assert!(status.success(), "{status}");
}

/// Live event streams never finish on their own: on SIGTERM each is told `shutdown` and
/// ended, so the process exits at once rather than at the end of the grace period.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_live_event_streams_promptly() {
    let mut server = start(20).await;
    let base = format!("http://127.0.0.1:{}", server.port);
    let client = reqwest::Client::new();
    let token: serde_json::Value = client
        .post(format!("{base}/auth/dev-token"))
        .json(&serde_json::json!({"role": "assistant"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();
    let mut streams = Vec::new();
    for _ in 0..3 {
        let res = client.get(format!("{base}/events")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(res.status(), 200);
        streams.push(res);
    }
    let started = Instant::now();
    sigterm(&server);
    for mut stream in streams {
        let mut text = String::new();
        while let Ok(Some(chunk)) =
            tokio::time::timeout(Duration::from_secs(5), stream.chunk()).await.expect("ends")
        {
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
        assert!(text.contains("event: shutdown"), "{text}");
    }
    let status = wait_for_exit(&mut server, Duration::from_secs(5));
    assert!(status.success(), "{status}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}
