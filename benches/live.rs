//! Live updates under load: `STREAMS` (1,000) event streams open on one running server, and a
//! write (`POST /actors`) every 10 ms for `LIVE_SECONDS` (10). Prints the delivery latency (from
//! the moment a write was sent to the moment each stream received its event) at p50/p99/max,
//! the events each stream got, and the server's RSS. Asserts nothing but that every stream got
//! every event; the goal (p99 ≤ 250 ms, RSS ≤ 128 MB) is judged from the figures.
//!
//! Run with `make bench-live`: scripts/bench-live.sh starts the release server on SQLite and
//! then PostgreSQL and passes `LIVE_URL`, `LIVE_TOKEN` and `LIVE_PID`.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::Mutex;

const WRITE_EVERY: Duration = Duration::from_millis(10);

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run `make bench-live`"))
}

fn number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let url = env("LIVE_URL");
    let token = env("LIVE_TOKEN");
    let pid = env("LIVE_PID");
    let streams = number("LIVE_STREAMS", 1000);
    let seconds = number("LIVE_SECONDS", 10);
    let writes = seconds * 1000 / WRITE_EVERY.as_millis() as usize;
    // The run's writes are told apart from earlier ones by this tag in their names.
    let tag = format!("live{}", std::process::id());

    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
    let sent: Arc<Mutex<Vec<Option<Instant>>>> = Arc::new(Mutex::new(vec![None; writes]));
    let rss_idle = rss(&pid, "VmRSS");

    // Open every stream and wait for its `ready` event before writing.
    let opened = Instant::now();
    let mut readers = Vec::with_capacity(streams);
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(streams);
    for _ in 0..streams {
        let response = client
            .get(format!("{url}/events"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("open a stream");
        assert_eq!(response.status(), 200, "a stream was refused");
        let ready = ready_tx.clone();
        let tag = tag.clone();
        readers.push(tokio::spawn(read_stream(response, tag, writes, ready)));
    }
    drop(ready_tx);
    for _ in 0..streams {
        ready_rx.recv().await.expect("every stream is ready");
    }
    let rss_open = rss(&pid, "VmRSS");
    println!(
        "{streams} streams open in {:.2} s; server RSS {:.1} MB idle, {:.1} MB with the streams",
        opened.elapsed().as_secs_f64(),
        rss_idle / 1024.0,
        rss_open / 1024.0
    );

    // One write per tick, each on its own task so that a slow write does not slow the rate.
    let writing = Instant::now();
    let mut tick = tokio::time::interval(WRITE_EVERY);
    let mut writers = Vec::with_capacity(writes);
    for i in 0..writes {
        tick.tick().await;
        let (client, token, url, sent, tag) =
            (client.clone(), token.clone(), url.clone(), sent.clone(), tag.clone());
        writers.push(tokio::spawn(async move {
            sent.lock().await[i] = Some(Instant::now());
            let body =
                serde_json::json!({"name": format!("{tag}-{i}-"), "age": 30, "gender": "female"});
            let response =
                client.post(format!("{url}/actors")).bearer_auth(&token).json(&body).send().await;
            matches!(response, Ok(r) if r.status() == 200)
        }));
    }
    let mut failed = 0;
    for writer in writers {
        if !writer.await.unwrap() {
            failed += 1;
        }
    }
    let wrote = writing.elapsed();

    // Each stream returns when it has seen every write (or after a grace period).
    let sent = sent.lock().await.clone();
    let mut latencies = Vec::with_capacity(streams * writes);
    let mut short = 0;
    for reader in readers {
        let received = reader.await.unwrap();
        if received.iter().filter(|r| r.is_some()).count() < writes - failed {
            short += 1;
        }
        for (i, at) in received.into_iter().enumerate() {
            if let (Some(at), Some(sent)) = (at, sent[i]) {
                latencies.push(at.saturating_duration_since(sent));
            }
        }
    }
    latencies.sort();
    let ms = |q: f64| {
        let i = ((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1));
        latencies.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{writes} writes in {:.1} s ({:.0}/s, {failed} failed); {} deliveries",
        wrote.as_secs_f64(),
        writes as f64 / wrote.as_secs_f64(),
        latencies.len()
    );
    println!(
        "delivery latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (goal: p99 <= 250 ms)",
        ms(0.50),
        ms(0.99),
        ms(1.0)
    );
    println!(
        "server RSS: {:.1} MB now, {:.1} MB peak (goal: <= 128 MB)",
        rss(&pid, "VmRSS") / 1024.0,
        rss(&pid, "VmHWM") / 1024.0
    );
    println!("streams that missed an event: {short}");
    assert_eq!(short, 0, "every stream gets every write");
}

/// Reads one stream until it has seen all `writes` of this run (or nothing comes for a while);
/// returns when each arrived.
async fn read_stream(
    mut response: reqwest::Response,
    tag: String,
    writes: usize,
    ready: tokio::sync::mpsc::Sender<()>,
) -> Vec<Option<Instant>> {
    let mut received = vec![None; writes];
    let mut seen = 0;
    let mut buffer = String::new();
    let marker = format!("\"name\":\"{tag}-");
    let mut told_ready = false;
    while seen < writes {
        let chunk = tokio::time::timeout(Duration::from_secs(10), response.chunk()).await;
        let Ok(Ok(Some(chunk))) = chunk else { break };
        let now = Instant::now();
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        // Whole events only: they end with a blank line.
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if !told_ready && event.contains("event: ready") {
                told_ready = true;
                let _ = ready.send(()).await;
            }
            if let Some(at) = event.find(&marker) {
                let rest = &event[at + marker.len()..];
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                if let Ok(i) = digits.parse::<usize>()
                    && i < writes
                    && received[i].is_none()
                {
                    received[i] = Some(now);
                    seen += 1;
                }
            }
        }
    }
    received
}

/// A line of the server's `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in KiB.
fn rss(pid: &str, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(f64::NAN)
}
