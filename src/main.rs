#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    casting_agency::server::cli::main().await
}

// The browser build is a library (see `lib.rs`); this binary only exists with `ssr`.
#[cfg(not(feature = "ssr"))]
fn main() {}
