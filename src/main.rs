// glibc's malloc was a third of the server's CPU time rendering pages (perf, under load);
// mimalloc is much cheaper for the many small, short-lived allocations of SSR and JSON.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long the runtime waits, once the server has shut down, for tasks still parked in it.
#[cfg(feature = "ssr")]
const RUNTIME_WIND_DOWN: std::time::Duration = std::time::Duration::from_secs(1);

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts");
    let code = runtime.block_on(casting_agency::server::cli::main());
    // By now what matters is done: connections drained or cut at the grace period, the
    // database closed. Tasks still parked (a page render whose client left, say) are not waited
    // for: dropping them can deadlock inside Leptos' reactive owners, which once held a
    // stopped server open for good after `make bench` (a worker stuck in an owner's cleanup).
    runtime.shutdown_timeout(RUNTIME_WIND_DOWN);
    code
}

// The browser build is a library (see `lib.rs`); this binary only exists with `ssr`.
#[cfg(not(feature = "ssr"))]
fn main() {}
