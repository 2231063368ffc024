// glibc's malloc was a third of the server's CPU time rendering pages (perf, under load);
// mimalloc is much cheaper for the many small, short-lived allocations of SSR and JSON.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    casting_agency::server::cli::main().await
}

// The browser build is a library (see `lib.rs`); this binary only exists with `ssr`.
#[cfg(not(feature = "ssr"))]
fn main() {}
