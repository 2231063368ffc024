//! The HTTP server loop: accepts connections, bounds what a client can hold, and shuts down
//! gracefully.
//!
//! What a client may hold, and for how long:
//! - at most `max_connections` connections at once; past that the loop stops accepting until
//!   one ends (the kernel's backlog holds the rest);
//! - a new connection must send its first bytes within `header_read_timeout` (hyper's
//!   HTTP/1-or-2 detection has no timeout of its own, so a silent socket was held for good),
//!   and then a whole request head within the same time (hyper's HTTP/1 timer, which also runs
//!   between keep-alive requests; slowloris);
//! - a connection with no request in flight for `idle_timeout` is closed gracefully, over
//!   HTTP/1 and HTTP/2 alike; HTTP/2 also pings its peer and drops it if it stops answering;
//! - a handler may drop its own connection at once ([`Disconnect`]): a live event stream whose
//!   client stopped reading is never polled again, so it cannot end itself.

use std::{
    future::Future,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::Router;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::conn::auto::Builder,
    service::TowerToHyperService,
};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{Semaphore, watch},
    time::Instant,
};
use tower::ServiceExt;

/// Largest request head (line plus headers) the server reads; larger is answered 431. Real
/// heads (cookies, an Auth0 token) are a few KiB.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Connection limits and shutdown timing (from [`crate::server::config::Config::serve_options`]).
#[derive(Clone, Copy, Debug)]
pub struct ServeOptions {
    /// After SIGTERM, how long in-flight requests may take before the process exits anyway.
    pub grace: Duration,
    /// A client must send its first bytes, and then a whole request head, within this time.
    pub header_read_timeout: Duration,
    /// Largest request head (line plus headers), in bytes; larger is answered 431.
    pub max_head_bytes: usize,
    /// Connections open at once.
    pub max_connections: usize,
    /// A connection with no request in flight for this long is closed.
    pub idle_timeout: Duration,
}

/// Serves until `shutdown` resolves; then stops accepting (new connections are refused, as
/// the listener is closed), lets in-flight requests finish for up to `options.grace`, and
/// returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    options: ServeOptions,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .max_buf_size(options.max_head_bytes);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(options.max_head_bytes as u32)
        .keep_alive_interval(Some(Duration::from_secs(20)))
        .keep_alive_timeout(Duration::from_secs(20));
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, say: back off rather than spin.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = stream;
        let _ = stream.set_nodelay(true);
        let (builder, router, stopping) = (builder.clone(), router.clone(), stopping.clone());
        tokio::spawn(async move {
            serve_connection(stream, peer, builder, router, stopping, options).await;
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("shutting down: no new connections, finishing in-flight requests");
    let _ = stop.send(true);
    let all_closed = slots.acquire_many(options.max_connections as u32);
    tokio::select! {
        _ = all_closed => tracing::info!("all connections closed"),
        () = tokio::time::sleep(options.grace) => {
            tracing::warn!(grace = ?options.grace, "requests still running after the shutdown grace period; exiting");
        }
    }
    Ok(())
}

async fn serve_connection(
    stream: TcpStream,
    peer: std::net::SocketAddr,
    builder: Builder<TokioExecutor>,
    router: Router,
    mut stopping: watch::Receiver<bool>,
    options: ServeOptions,
) {
    match tokio::time::timeout(options.header_read_timeout, first_bytes(&stream)).await {
        Ok(Ok(true)) => {}
        Ok(Ok(false)) | Ok(Err(_)) => return,
        Err(_) => {
            tracing::debug!("connection sent nothing within the header read timeout; closed");
            return;
        }
    }
    let activity = Arc::new(Activity::new());
    let disconnect = Disconnect(Arc::new(watch::Sender::new(false)));
    let mut disconnecting = disconnect.0.subscribe();
    let service = {
        let activity = activity.clone();
        tower::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            let (router, activity) = (router.clone(), activity.clone());
            req.extensions_mut().insert(disconnect.clone());
            // Who is on the other end (the client, or a proxy): axum's `ConnectInfo`.
            req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            async move {
                let in_flight = Activity::begin(&activity);
                // In flight until the body is sent too: a long stream is not idleness.
                let response = router.oneshot(req).await?;
                Ok::<_, std::convert::Infallible>(
                    response.map(|inner| TrackedBody { inner, in_flight_guard: in_flight }),
                )
            }
        })
    };
    let connection = builder
        .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service));
    tokio::pin!(connection);
    // Once closing for idleness, how long the connection may take to say goodbye: an HTTP/2
    // peer is sent GOAWAY and a ping, and one that never answers would otherwise be kept until
    // the keep-alive timeout.
    let mut hang_up_at: Option<Instant> = None;
    let mut closing = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(error = %err, "connection ended with an error");
                }
                return;
            }
            _ = disconnecting.wait_for(|asked| *asked) => {
                tracing::debug!("connection dropped by its handler");
                return;
            }
            _ = stopping.wait_for(|stop| *stop), if !closing => {
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
            () = activity.idle_for(options.idle_timeout), if !closing => {
                tracing::debug!("idle or stalled connection closed");
                closing = true;
                hang_up_at = Some(Instant::now() + IDLE_GOODBYE);
                connection.as_mut().graceful_shutdown();
            }
            () = sleep_until_some(hang_up_at) => {
                // Requests that began before the goodbye may finish, as long as they move.
                if activity.in_flight() == 0 || activity.stalled(options.idle_timeout) {
                    return;
                }
                hang_up_at = Some(Instant::now() + IDLE_GOODBYE);
            }
        }
    }
}

/// See `hang_up_at` in [`serve_connection`].
const IDLE_GOODBYE: Duration = Duration::from_secs(2);

/// A request in flight that makes no progress (no body frame sent: a client that stopped
/// reading, say) for the idle timeout plus this long is given up; handlers themselves are
/// cut at 30 s by the request timeout.
const STALL_GRACE: Duration = Duration::from_secs(30);

async fn sleep_until_some(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Drops the connection a request came on, from outside its response: in the request's
/// extensions. Taken by handlers whose responses can stall for good (an event stream that its
/// client stopped reading: hyper no longer polls its body, so only the connection's end frees
/// what it holds).
#[derive(Clone, Debug)]
pub struct Disconnect(Arc<watch::Sender<bool>>);

impl Disconnect {
    pub fn now(&self) {
        self.0.send_replace(true);
    }
}

/// Waits for a new connection's first bytes: `false` if it closed first. When those bytes are
/// the start of the HTTP/2 preface, waits for the whole preface (24 bytes), which is what
/// hyper's protocol detection reads before anything has a timeout.
async fn first_bytes(stream: &TcpStream) -> std::io::Result<bool> {
    const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    let mut buf = [0u8; 24];
    loop {
        let n = stream.peek(&mut buf).await?;
        if n == 0 {
            return Ok(false);
        }
        if n >= PREFACE.len() || buf[..n] != PREFACE[..n] {
            return Ok(true);
        }
        // Part of the preface: peek answers at once while nothing new arrives, so wait a bit.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Requests in flight on one connection, and when the last one began or ended.
struct Activity {
    in_flight: AtomicUsize,
    last: Mutex<Instant>,
}

/// Counts a request as in flight until dropped.
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A response body that keeps its request counted as in flight until it is sent or dropped.
struct TrackedBody {
    inner: axum::body::Body,
    in_flight_guard: InFlight,
}

impl http_body::Body for TrackedBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        let frame = std::pin::Pin::new(&mut this.inner).poll_frame(cx);
        if frame.is_ready() {
            // Progress: hyper only asks for the next frame once the last one was taken.
            this.in_flight_guard.0.touch();
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

impl Activity {
    fn new() -> Activity {
        Activity { in_flight: AtomicUsize::new(0), last: Mutex::new(Instant::now()) }
    }

    fn begin(this: &Arc<Activity>) -> InFlight {
        this.in_flight.fetch_add(1, Ordering::SeqCst);
        this.touch();
        InFlight(this.clone())
    }

    fn touch(&self) {
        *self.last.lock().expect("activity lock poisoned") = Instant::now();
    }

    fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    fn since_last(&self) -> Duration {
        self.last.lock().expect("activity lock poisoned").elapsed()
    }

    /// A request is in flight but nothing moved for `idle` plus [`STALL_GRACE`].
    fn stalled(&self, idle: Duration) -> bool {
        self.in_flight() > 0 && self.since_last() >= idle + STALL_GRACE
    }

    /// Resolves once no request has been in flight for `idle`, or one in flight has stalled.
    async fn idle_for(&self, idle: Duration) {
        loop {
            let limit = if self.in_flight() == 0 { idle } else { idle + STALL_GRACE };
            let since = self.since_last();
            if since >= limit {
                return;
            }
            // Look again when the limit would pass (at the latest after `idle`, as the request
            // in flight may end meanwhile); a request beginning or ending moves `last`.
            tokio::time::sleep((limit - since).min(idle)).await;
        }
    }
}
