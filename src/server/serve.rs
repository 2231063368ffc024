//! The HTTP server loop: accepts connections, bounds what a client can hold, and shuts down
//! gracefully. `axum::serve` has no header-read timeout (hyper needs a timer for one), so a
//! slowloris client trickling header bytes could hold a connection forever; this loop sets one,
//! and bounds the size of a request head.

use std::{future::Future, time::Duration};

use axum::Router;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto::Builder, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use tokio::net::TcpListener;

/// Largest request head (line plus headers) the server reads; larger is answered 431. Real
/// heads (cookies, an Auth0 token) are a few KiB.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Connection limits and shutdown timing (from [`crate::server::config::Config::serve_options`]).
#[derive(Clone, Copy, Debug)]
pub struct ServeOptions {
    /// After SIGTERM, how long in-flight requests may take before the process exits anyway.
    pub grace: Duration,
    /// A client must send a whole request head (line and headers) within this time.
    pub header_read_timeout: Duration,
    /// Largest request head (line plus headers), in bytes; larger is answered 431.
    pub max_head_bytes: usize,
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
    builder.http2().timer(TokioTimer::new()).max_header_list_size(options.max_head_bytes as u32);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of file descriptors, say: back off rather than spin.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!("shutting down: no new connections, finishing in-flight requests");
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections closed"),
        () = tokio::time::sleep(options.grace) => {
            tracing::warn!(grace = ?options.grace, "requests still running after the shutdown grace period; exiting");
        }
    }
    Ok(())
}
