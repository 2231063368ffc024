//! What a client can hold: silent sockets are closed after the header-read timeout (they were
//! held for good), idle HTTP/1 and HTTP/2 connections after the idle timeout, connections are
//! capped, and the server answers others throughout.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::support::{Options, TestApp, TestDb};

/// Waits until the server closes `stream` (EOF or reset); how long that took.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit.saturating_sub(started.elapsed()), stream.read(&mut buf))
            .await
        {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue, // an HTTP/2 SETTINGS or GOAWAY frame, say
            Err(_) => return None,
        }
    }
}

async fn healthz(app: &TestApp) -> Duration {
    let started = Instant::now();
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_sockets_are_closed_and_do_not_block_others() {
    let options =
        Options { header_read_timeout: Some(Duration::from_secs(1)), ..Options::default() };
    let app = TestApp::start(TestDb::sqlite(), options).await;
    let mut silent = Vec::new();
    for _ in 0..600 {
        silent.push(TcpStream::connect(app.addr).await.unwrap());
    }
    // Others are served while the sockets are held (the attack made /healthz time out).
    for _ in 0..5 {
        assert!(healthz(&app).await < Duration::from_secs(1));
    }
    // Every silent socket is closed once the header-read timeout has passed.
    for stream in &mut silent {
        let closed = closed_within(stream, Duration::from_secs(5)).await;
        assert!(closed.is_some(), "a silent socket was still open after 5 s");
    }
}

/// A client that sends only part of the HTTP/2 preface is treated like a silent one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_http2_preface_is_timed_out() {
    let options =
        Options { header_read_timeout: Some(Duration::from_secs(1)), ..Options::default() };
    let app = TestApp::start(TestDb::sqlite(), options).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap();
    assert!(closed_within(&mut stream, Duration::from_secs(4)).await.is_some());
}

/// Idle connections, HTTP/1 keep-alive and HTTP/2 with prior knowledge, are closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed() {
    let options = Options {
        header_read_timeout: Some(Duration::from_secs(30)),
        idle_timeout: Some(Duration::from_secs(1)),
        ..Options::default()
    };
    let app = TestApp::start(TestDb::sqlite(), options).await;

    // HTTP/2: the preface and an empty SETTINGS frame, then nothing (our side answers no pings,
    // but the idle timeout comes first).
    let mut h2 = TcpStream::connect(app.addr).await.unwrap();
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await
        .unwrap();
    // HTTP/1.1: one request answered, then the connection kept alive and left idle.
    let mut h1 = TcpStream::connect(app.addr).await.unwrap();
    h1.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();
    let mut answer = [0u8; 12];
    h1.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200");

    let closed = closed_within(&mut h2, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "an idle HTTP/2 connection stayed open");
    let closed = closed_within(&mut h1, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "an idle HTTP/1.1 connection stayed open");
}

/// Past the connection limit, new connections wait until one ends instead of piling up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_are_capped() {
    let options = Options {
        header_read_timeout: Some(Duration::from_secs(1)),
        max_connections: Some(20),
        ..Options::default()
    };
    let app = TestApp::start(TestDb::sqlite(), options).await;
    let mut silent = Vec::new();
    for _ in 0..20 {
        silent.push(TcpStream::connect(app.addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The 21st is accepted only once the silent ones are timed out.
    let waited = healthz(&app).await;
    assert!(waited >= Duration::from_millis(700), "served past the cap after {waited:?}");
    assert!(waited < Duration::from_secs(4), "the cap held it for {waited:?}");
    drop(silent);
    assert!(healthz(&app).await < Duration::from_secs(1));
}
