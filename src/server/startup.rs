//! Wiring: database, auth, router and the HTTP server with graceful shutdown.

use std::{sync::Arc, time::Duration};

use axum::{Extension, Router, extract::DefaultBodyLimit, http::StatusCode, middleware};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower_http::timeout::TimeoutLayer;

pub use crate::server::{api::state::AppState, core::Core};
use crate::{
    app::{App, shell},
    server::{
        api::{
            self, REST_PATHS,
            edge::{
                body_limit::BodyLimits, hosts::AllowedHosts, negotiate::PageRenderer,
                rate_limit::SignInLimit, server_fn_responses::FormErrorSigner,
            },
            extract::body::BodyLimit,
        },
        auth::{
            KeyStore, LocalIssuer, Verifier,
            local::{LOCAL_AUDIENCE, LOCAL_ISSUER, LocalKeyError},
            oidc::Auth0Login,
            revocations::Revocations,
            web_session::SessionCookie,
        },
        config::{AuthConfig, Config},
        db::{Db, DbSetupError, secrets},
        limits::Limits,
        service::{LiveFeed, LiveOptions, Service},
    },
};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Db(#[from] DbSetupError),
    #[error(transparent)]
    LocalKey(#[from] LocalKeyError),
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error("the local key set is unusable: {0}")]
    Jwks(String),
    #[error("cannot read the server's secrets, sign-outs or journal from the database: {0}")]
    Secrets(#[source] sqlx::Error),
}

/// A built application: the router and what it holds.
pub struct Application {
    pub router: Router,
    pub core: Core,
    _refresher: Option<DropAbort>,
    _revocation_sync: Option<DropAbort>,
    _trash_purger: DropAbort,
}

impl Application {
    /// Resolves after `signal`, having ended the live event streams: they never finish on
    /// their own, so they would hold their connections open through the whole grace period.
    pub fn shutdown_on(
        &self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> impl Future<Output = ()> + Send + 'static {
        let live = self.core.service.live().cloned();
        async move {
            signal.await;
            if let Some(live) = live {
                live.close();
            }
        }
    }
}

/// Aborts the JWKS refresher when the application is dropped (tests build many).
struct DropAbort(tokio::task::JoinHandle<()>);
impl Drop for DropAbort {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub async fn build(config: &Config, leptos: LeptosOptions) -> Result<Application, StartupError> {
    if config.is_sqlite() {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| StartupError::DataDir(config.data_dir.display().to_string(), e))?;
    }
    let db =
        Db::connect(&config.database_url, config.db_max_connections, config.db_acquire_timeout)
            .await?;
    tracing::info!(backend = ?db.backend(), "database ready");
    let form_error_key =
        secrets::get_or_create(db.writer(), "form_errors").await.map_err(StartupError::Secrets)?;
    let revocations = Arc::new(Revocations::load(db.clone()).await.map_err(StartupError::Secrets)?);
    let revocation_sync = revocations.spawn_sync().map(DropAbort);

    let (verifier, local, refresher) = match &config.auth {
        AuthConfig::Auth0(auth0) => {
            let keys = Arc::new(KeyStore::remote(auth0.jwks_url.clone(), config.jwks.clone()));
            // An unreachable JWKS must not stop the server: tokens are refused (401) until a
            // later fetch succeeds.
            match keys.refresh().await {
                Ok(n) => tracing::info!(keys = n, url = %auth0.jwks_url, "Auth0 JWKS loaded"),
                Err(err) => {
                    tracing::warn!(%err, url = %auth0.jwks_url, "Auth0 JWKS not loaded yet; will retry")
                }
            }
            let refresher = DropAbort(keys.spawn_refresher());
            (Verifier::new(keys, &auth0.issuer, &auth0.audience), None, Some(refresher))
        }
        AuthConfig::Local => {
            tracing::warn!(
                "LOCAL SIGN-IN MODE: Auth0 is not configured, so this server issues its own tokens \
                 to anyone who asks (POST /auth/dev-token). For trying the app only; set \
                 AUTH0_DOMAIN and AUTH0_AUDIENCE for real use."
            );
            let issuer = LocalIssuer::load_or_create(&config.data_dir, config.local_token_ttl)?;
            let keys =
                KeyStore::fixed(&issuer.jwks()).map_err(|e| StartupError::Jwks(e.to_string()))?;
            let verifier = Verifier::new(Arc::new(keys), LOCAL_ISSUER, LOCAL_AUDIENCE);
            (verifier, Some(Arc::new(issuer)), None)
        }
    };

    // Counted only where someone can read the counts: otherwise it is work for nothing. The
    // recorder is installed before anything counts (counts made without one are dropped).
    let metrics_on = config.metrics_token.is_some() || config.metrics_addr.is_some();
    if metrics_on {
        crate::server::metrics::handle();
    }
    let postgres_url = (!config.is_sqlite()).then(|| config.database_url.clone());
    let live = LiveFeed::start(
        db.clone(),
        postgres_url,
        LiveOptions { max_streams: config.event_streams_max },
    )
    .await
    .map_err(StartupError::Secrets)?;
    let core = Core {
        service: Service::new(db).with_trash_retention(config.trash_retention).with_live(live),
        verifier: Arc::new(verifier.with_revocations(revocations)),
        local,
        auth0: match &config.auth {
            AuthConfig::Auth0(auth0) => {
                Auth0Login::new(auth0, &config.base_url(), config.jwks.fetch_timeout).map(Arc::new)
            }
            AuthConfig::Local => None,
        },
        cookie: SessionCookie::new(config.secure_cookies(), config.app_origin()),
        local_token_ttl: config.local_token_ttl,
        event_heartbeat: config.event_heartbeat,
        metrics_token: config.metrics_token.as_deref().map(Arc::from),
        limits: Limits::new(config.sign_in_per_minute, config.writes_per_minute),
    };
    let hosts = AllowedHosts::new(
        matches!(config.auth, AuthConfig::Local),
        config.app_base_url.as_deref(),
        &config.allowed_hosts,
    );
    let sign_in_limit = SignInLimit {
        limits: core.limits.clone(),
        trusted_proxies: config.trusted_proxies.clone().into(),
    };
    let edge = Edge {
        hosts,
        form_errors: FormErrorSigner::new(&form_error_key),
        sign_in_limit,
        metrics: metrics_on,
    };
    let limits = BodyLimits {
        default: config.body_limit,
        picture: config.picture_max_bytes,
        import: config.import_max_bytes,
    };
    let router = router(core.clone(), leptos, limits, edge);
    let trash_purger = DropAbort(spawn_trash_purger(core.service.clone()));
    Ok(Application {
        router,
        core,
        _refresher: refresher,
        _revocation_sync: revocation_sync,
        _trash_purger: trash_purger,
    })
}

/// Purges the trash of what is past its retention: at start, then hourly. Every instance
/// runs it; the purge is one idempotent statement, so instances sharing a database do not
/// need to agree on who does it.
fn spawn_trash_purger(service: Service) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match service.purge_trash(std::time::SystemTime::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "trash: purged records past their retention"),
                Err(err) => tracing::warn!(error = %err, "trash purge failed; will retry"),
            }
        }
    })
}

/// What the outermost layers check, built from the configuration.
struct Edge {
    hosts: AllowedHosts,
    form_errors: FormErrorSigner,
    sign_in_limit: SignInLimit,
    /// Requests are counted for `/metrics`.
    metrics: bool,
}

/// The app's page routes, generated once per process. Generating them runs the app with
/// resource loading suppressed by a process-global flag (leptos issue #4773): a page render
/// whose resource first polls during that window waits forever. Generating once, before any
/// server of this process can render, closes the window (it bit the tests, which start many
/// servers in one process: one render in a few dozen hung until the 30 s timeout).
fn route_list() -> &'static [AxumRouteListing] {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App))
}

fn router(core: Core, leptos: LeptosOptions, body_limits: BodyLimits, edge: Edge) -> Router {
    // Sign-in may redirect a form post to Auth0; the pages' `form-action` must allow that.
    let form_targets: Arc<str> = match &core.auth0 {
        Some(auth0) => format!(" {}", auth0.origin()).into(),
        None => "".into(),
    };
    let context = {
        let core = core.clone();
        move || {
            provide_context(core.clone());
            api::edge::security_headers::set_page_policy(&form_targets);
        }
    };
    let app_shell = {
        let leptos = leptos.clone();
        move || shell(leptos.clone())
    };
    // Async rendering: the page is sent once its data has loaded, so the first paint has the
    // data (no loading flash) and the page is complete without JavaScript.
    let render = leptos_axum::render_app_async_with_context(context.clone(), app_shell.clone());
    // The browser bundle, precompressed and (with hashed names) cached for a year.
    let pkg_path = format!("/{}", leptos.site_pkg_dir);
    let pkg_dir =
        std::path::Path::new(leptos.site_root.as_ref()).join(leptos.site_pkg_dir.as_ref());
    api::edge::assets::precompress_in_background(pkg_dir.clone());
    let pkg_files = api::edge::assets::pkg_router::<()>(pkg_dir, leptos.hash_files);
    let state = AppState { core: core.clone(), leptos, pages: PageRenderer::new(render) };

    // Page routes on REST paths are served through negotiation, not registered twice.
    let pages: Vec<_> = route_list()
        .iter()
        .filter(|listing| !REST_PATHS.contains(&listing.path()))
        .cloned()
        .collect();

    let mounted = api::Mounted {
        local_auth: core.local.is_some(),
        auth0: core.auth0.is_some(),
        metrics: core.metrics_token.is_some(),
    };
    let app = api::routes(&state, mounted)
        .nest_service(&pkg_path, pkg_files)
        .leptos_routes_with_context(&state, pages, context, app_shell)
        .fallback(api::not_found)
        // `limit_bodies` limits every body (a picture upload's more loosely than the rest).
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(body_limits, api::edge::body_limit::limit_bodies))
        // A request still running after 30 s is the server's problem (a stuck lock, say):
        // 503, which clients may retry later, rather than 408, which blames them.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(middleware::from_fn(api::json_error_bodies))
        .layer(middleware::from_fn_with_state(
            edge.form_errors.clone(),
            api::edge::server_fn_responses::server_fn_responses,
        ))
        .layer(middleware::from_fn_with_state(
            edge.form_errors,
            api::edge::server_fn_responses::unsigned_form_errors,
        ))
        .layer(Extension(BodyLimit(body_limits.default)));
    // Outermost of the routed layers, so they see every answer (a timeout's 503 too), and
    // still inside the routing, so they know the route template.
    let app = match edge.metrics {
        true => app.layer(middleware::from_fn(crate::server::metrics::track_requests)),
        false => app,
    };
    let app = app.layer(middleware::from_fn(api::edge::request_log::request_log)).with_state(state);
    // Outside the routing, so they see every request before a route is chosen: the host
    // check, the path clean-up routing depends on, and the headers every answer carries.
    Router::new()
        .fallback_service(app)
        .layer(middleware::from_fn(api::edge::paths::normalize_path))
        .layer(middleware::from_fn_with_state(
            edge.sign_in_limit,
            api::edge::rate_limit::limit_sign_in,
        ))
        .layer(middleware::from_fn_with_state(edge.hosts, api::edge::hosts::check_host))
        .layer(middleware::from_fn(api::edge::security_headers::security_headers))
        // Outermost: the layers inside see (and may rewrite) bodies as they were written.
        .layer(api::edge::compression::layer())
}

pub use crate::server::serve::{ServeOptions, serve};

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
