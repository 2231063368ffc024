//! The `casting-agency` command: serves the app, or prints a local sign-in token.

use std::process::ExitCode;

use leptos::prelude::get_configuration;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::{
    model::Role,
    server::{
        auth::LocalIssuer,
        config::{AuthConfig, Config},
        startup::{build, serve, shutdown_signal},
    },
};

const USAGE: &str = "\
usage: casting-agency             serve the app (configured by environment / .env)
       casting-agency precompress write brotli and gzip variants of the site's bundle
       casting-agency token ROLE  print a local sign-in token for ROLE
                                  (assistant, director or producer; local mode only)
       casting-agency backup FILE copy the SQLite database to FILE, consistently, even while
                                  a server runs on it (PostgreSQL: use pg_dump)
       casting-agency restore FILE
                                  replace the SQLite database with the backup FILE (stop the
                                  server first; the old database is kept beside it)";

pub async fn main() -> ExitCode {
    // A missing .env is normal; a broken one is worth saying.
    if let Err(err) = dotenvy::dotenv()
        && !err.not_found()
    {
        eprintln!("warning: ignoring .env: {err}");
    }
    init_logging();

    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["serve"] => run().await,
        ["token", role] => print_token(role),
        ["precompress"] => precompress(),
        ["backup", file] => backup(file).await,
        ["restore", file] => restore(file).await,
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Logs to stderr: readable lines, or with `LOG_FORMAT=json` one JSON object per line (the
/// event's fields flattened, with the request span's id, route and caller) for a log pipeline.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match std::env::var("LOG_FORMAT").as_deref() {
        Ok("json") => {
            builder.json().flatten_event(true).with_current_span(true).with_span_list(false).init()
        }
        Ok("text") | Err(_) => builder.init(),
        Ok(other) => {
            builder.init();
            tracing::warn!(value = other, "LOG_FORMAT must be `text` or `json`; using text");
        }
    }
}

fn hash_file_beside_binary(name: &str) -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .is_some_and(|path| path.is_file())
}

/// Writes the `.br` and `.gz` variants of the site's bundle (part of `make release`).
fn precompress() -> ExitCode {
    let conf = match get_configuration(None).or_else(|_| get_configuration(Some("Cargo.toml"))) {
        Ok(conf) => conf,
        Err(err) => return fail("cannot read the Leptos configuration", err),
    };
    let options = conf.leptos_options;
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    match crate::server::api::edge::assets::precompress(&dir) {
        Ok(done) => {
            println!(
                "{}: {} files, {} bytes → {} brotli, {} gzip",
                dir.display(),
                done.files,
                done.raw_bytes,
                done.brotli_bytes,
                done.gzip_bytes
            );
            ExitCode::SUCCESS
        }
        Err(err) => fail(&format!("cannot precompress {}", dir.display()), err),
    }
}

async fn backup(file: &str) -> ExitCode {
    let config = match command_config() {
        Ok(config) => config,
        Err(code) => return code,
    };
    match crate::server::db::backup::backup(&config.database_url, file.as_ref()).await {
        Ok(bytes) => {
            println!("backed up to {file} ({bytes} bytes)");
            ExitCode::SUCCESS
        }
        Err(err) => fail("backup failed", err),
    }
}

async fn restore(file: &str) -> ExitCode {
    let config = match command_config() {
        Ok(config) => config,
        Err(code) => return code,
    };
    match crate::server::db::backup::restore(&config.database_url, file.as_ref()).await {
        Ok(kept) => {
            println!("restored from {file}");
            if let Some(kept) = kept {
                println!("the database it replaced is kept as {}", kept.display());
            }
            ExitCode::SUCCESS
        }
        Err(err) => fail("restore failed", err),
    }
}

/// The configuration of a command that does not serve (its listen address does not matter).
fn command_config() -> Result<Config, ExitCode> {
    Config::from_env(([127, 0, 0, 1], 3000).into())
        .map_err(|err| fail("invalid configuration", err))
}

fn fail(what: &str, err: impl std::fmt::Display) -> ExitCode {
    tracing::error!("{what}: {err}");
    eprintln!("error: {what}: {err}");
    ExitCode::FAILURE
}

async fn run() -> ExitCode {
    // cargo-leptos passes the Leptos settings as environment variables; a binary started any
    // other way reads them from Cargo.toml.
    let conf = match get_configuration(None).or_else(|_| get_configuration(Some("Cargo.toml"))) {
        Ok(conf) => conf,
        Err(err) => return fail("cannot read the Leptos configuration", err),
    };
    let mut leptos = conf.leptos_options;
    // cargo-leptos writes the bundle's content hashes beside the binary (`hash-files`); a
    // binary started without cargo-leptos's environment (LEPTOS_HASH_FILES) finds them there,
    // or its pages would name files that do not exist.
    if !leptos.hash_files && hash_file_beside_binary(&leptos.hash_file) {
        leptos.hash_files = true;
    }
    let config = match Config::from_env(leptos.site_addr) {
        Ok(config) => config,
        Err(err) => return fail("invalid configuration", err),
    };
    let app = match build(&config, leptos).await {
        Ok(app) => app,
        Err(err) => return fail("cannot start", err),
    };
    let listener = match TcpListener::bind(config.site_addr).await {
        Ok(listener) => listener,
        Err(err) => return fail(&format!("cannot listen on {}", config.site_addr), err),
    };
    tracing::info!("listening on http://{}", config.site_addr);
    if let Some(addr) = config.metrics_addr {
        let metrics = match TcpListener::bind(addr).await {
            Ok(listener) => listener,
            Err(err) => return fail(&format!("cannot listen on {addr} (METRICS_ADDR)"), err),
        };
        tracing::info!("metrics on http://{addr}/metrics");
        let router = crate::server::api::metrics::listener_router(app.core.clone());
        tokio::spawn(async move {
            if let Err(err) = axum::serve(metrics, router).await {
                tracing::error!(error = %err, "the metrics listener stopped");
            }
        });
    }
    let shutdown = app.shutdown_on(shutdown_signal());
    let served = serve(listener, app.router.clone(), shutdown, config.serve_options()).await;
    app.core.service.db().close().await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail("server error", err),
    }
}

fn print_token(role: &str) -> ExitCode {
    let Some(role) = Role::parse(role) else {
        eprintln!("unknown role `{role}`: use assistant, director or producer");
        return ExitCode::from(2);
    };
    let config = match command_config() {
        Ok(config) => config,
        Err(code) => return code,
    };
    if let AuthConfig::Auth0(_) = config.auth {
        eprintln!(
            "Auth0 is configured, so local tokens would not be accepted: sign in through Auth0"
        );
        return ExitCode::from(2);
    }
    match LocalIssuer::load_or_create(&config.data_dir, config.local_token_ttl) {
        Ok(issuer) => {
            println!("{}", issuer.issue(role).access_token);
            ExitCode::SUCCESS
        }
        Err(err) => fail("cannot load the local sign-in key", err),
    }
}
