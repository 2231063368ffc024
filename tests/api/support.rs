//! Test harness: the real app on a loopback port, a real JWKS server on another, and a fresh
//! database per test (a SQLite file in a temp dir, or a new PostgreSQL database).

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::{Json, Router, extract::State, http::StatusCode, response::IntoResponse, routing::get};
use casting_agency::{
    model::Role,
    server::{
        auth::signing::SigningKey,
        config::{AuthConfig, Config},
        startup::{self, Core},
    },
};
use leptos::prelude::LeptosOptions;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub const ISSUER: &str = "https://issuer.test/";
pub const AUDIENCE: &str = "https://casting-agency.test/api";

/// A stand-in for Auth0 on loopback: the JWKS endpoint (counting fetches, switchable to
/// failing) and the OAuth token endpoint of the authorization-code flow with PKCE.
#[derive(Clone)]
pub struct JwksServer {
    pub url: String,
    /// The issuer URL (`http://127.0.0.1:port/`), under which the endpoints live.
    pub base: String,
    keys: Arc<Mutex<Value>>,
    fetches: Arc<AtomicUsize>,
    failing: Arc<AtomicBool>,
    /// Milliseconds the JWKS endpoint waits before answering (a slow issuer).
    delay_ms: Arc<std::sync::atomic::AtomicU64>,
    /// Authorization codes this fake has "issued": code → (PKCE challenge, access token).
    codes: Arc<Mutex<HashMap<String, (String, String)>>>,
}

impl JwksServer {
    pub async fn start(jwks: Value) -> JwksServer {
        let server = JwksServer {
            url: String::new(),
            base: String::new(),
            keys: Arc::new(Mutex::new(jwks)),
            fetches: Arc::default(),
            failing: Arc::default(),
            delay_ms: Arc::default(),
            codes: Arc::default(),
        };
        let app = Router::new()
            .route("/.well-known/jwks.json", get(serve_jwks))
            .route("/oauth/token", axum::routing::post(token_endpoint))
            .with_state(server.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        JwksServer {
            url: format!("http://{addr}/.well-known/jwks.json"),
            base: format!("http://{addr}/"),
            ..server
        }
    }

    /// Makes `code` redeemable once for `access_token` by whoever holds the PKCE verifier
    /// of `challenge` (what Auth0 does when the person signs in).
    pub fn issue_code(&self, code: &str, challenge: &str, access_token: String) {
        self.codes.lock().unwrap().insert(code.into(), (challenge.into(), access_token));
    }

    pub fn set_keys(&self, jwks: Value) {
        *self.keys.lock().unwrap() = jwks;
    }

    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    pub fn set_delay(&self, delay: Duration) {
        self.delay_ms.store(delay.as_millis() as u64, Ordering::SeqCst);
    }

    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

async fn token_endpoint(
    State(server): State<JwksServer>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> axum::response::Response {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let refuse = |why: &str| {
        (StatusCode::FORBIDDEN, Json(json!({"error": "invalid_grant", "why": why}))).into_response()
    };
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return refuse("grant_type");
    }
    if form.get("client_id").map(String::as_str) != Some(CLIENT_ID) {
        return refuse("client_id");
    }
    let Some((challenge, token)) =
        form.get("code").and_then(|c| server.codes.lock().unwrap().remove(c))
    else {
        return refuse("code");
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    if URL_SAFE_NO_PAD.encode(digest) != challenge {
        return refuse("code_verifier");
    }
    Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600})).into_response()
}

/// The web app's client id at the fake Auth0.
pub const CLIENT_ID: &str = "test-web-client";

async fn serve_jwks(State(server): State<JwksServer>) -> impl IntoResponse {
    server.fetches.fetch_add(1, Ordering::SeqCst);
    let delay = server.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    if server.failing.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, "down").into_response();
    }
    Json(server.keys.lock().unwrap().clone()).into_response()
}

/// Where a test's data lives. PostgreSQL databases are dropped when the test ends.
pub enum TestDb {
    Sqlite { dir: tempfile::TempDir },
    Postgres { name: String, url: String },
}

const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn pg_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| PG_ADMIN_URL.to_owned())
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        TestDb::Sqlite { dir: tempfile::tempdir().unwrap() }
    }

    /// A new, empty PostgreSQL database; `None` (test skipped) if no server is reachable,
    /// except under CI, where a missing PostgreSQL fails the test.
    pub async fn postgres() -> Option<TestDb> {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let admin = pg_admin_url();
        let mut conn = match sqlx::AnyConnection::connect(&admin).await {
            Ok(conn) => conn,
            Err(err) if std::env::var_os("CI").is_none() => {
                eprintln!("SKIPPED: no PostgreSQL at {admin} ({err}); set CI=1 to make this fatal");
                return None;
            }
            Err(err) => panic!("PostgreSQL is required under CI but {admin} is unreachable: {err}"),
        };
        let name = format!("casting_test_{}_{}", std::process::id(), unique());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => unreachable!(),
        };
        Some(TestDb::Postgres { name, url })
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite { dir } => {
                format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display())
            }
            TestDb::Postgres { url, .. } => url.clone(),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }

    pub fn pg_name(&self) -> Option<&str> {
        match self {
            TestDb::Postgres { name, .. } => Some(name),
            TestDb::Sqlite { .. } => None,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { name, .. } = self {
            let name = name.clone();
            // Drop runs outside any runtime guarantee: use a thread with its own.
            let _ = std::thread::spawn(move || {
                let rt =
                    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async move {
                    use sqlx::Connection;
                    if let Ok(mut conn) = sqlx::AnyConnection::connect(&pg_admin_url()).await {
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
                    }
                });
            })
            .join();
        }
    }
}

pub fn unique() -> u64 {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos() as u64;
    (nanos << 16) | (COUNTER.fetch_add(1, Ordering::SeqCst) as u64 & 0xffff)
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// The running app plus everything a test needs to talk to it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub key: Arc<SigningKey>,
    pub jwks: JwksServer,
    pub db: TestDb,
    pub core: Core,
    pub data_dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Knobs a test may turn before the app starts.
pub struct Options {
    pub local: bool,
    pub refetch_cooldown: Duration,
    pub jwks_failing_at_start: bool,
    pub data_dir: Option<tempfile::TempDir>,
    /// Overrides the test database's URL (to go through a proxy, say).
    pub database_url: Option<String>,
    /// Use the fake Auth0 (JWKS server) as the issuer, with a web client id, so the web
    /// sign-in flow can run against it.
    pub fake_issuer: bool,
    /// Overrides the header-read timeout (slowloris tests).
    pub header_read_timeout: Option<Duration>,
    /// Overrides the idle-connection timeout.
    pub idle_timeout: Option<Duration>,
    /// Overrides the connection limit.
    pub max_connections: Option<usize>,
    /// Overrides the database pool: its size and how long a request waits for a connection.
    pub db_pool: Option<(u32, Duration)>,
    /// The site's bundle has content-hashed names (cargo-leptos `hash-files`).
    pub hash_files: bool,
    /// Overrides the live event streams' limit and heartbeat.
    pub event_streams: Option<(usize, Duration)>,
    /// `METRICS_TOKEN`: mounts `GET /metrics` on the app's port.
    pub metrics_token: Option<String>,
    /// Sign-in requests per address and writes per caller, per minute. Off (0) unless set:
    /// tests sign in and write far faster than people.
    pub rate_limits: Option<(u32, u32)>,
    /// `TRUSTED_PROXIES`.
    pub trusted_proxies: Option<String>,
    /// `PICTURE_MAX_BYTES`.
    pub picture_max_bytes: Option<usize>,
    /// `IMPORT_MAX_BYTES`.
    pub import_max_bytes: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            local: false,
            refetch_cooldown: Duration::from_millis(300),
            jwks_failing_at_start: false,
            data_dir: None,
            database_url: None,
            fake_issuer: false,
            header_read_timeout: None,
            idle_timeout: None,
            hash_files: false,
            max_connections: None,
            db_pool: None,
            event_streams: None,
            metrics_token: None,
            rate_limits: None,
            picture_max_bytes: None,
            import_max_bytes: None,
            trusted_proxies: None,
        }
    }
}

static SHARED_KEY: std::sync::OnceLock<Arc<SigningKey>> = std::sync::OnceLock::new();

/// One RSA key for the whole test run: key generation is the slow part of set-up.
pub fn test_key() -> Arc<SigningKey> {
    SHARED_KEY.get_or_init(|| Arc::new(SigningKey::generate().unwrap())).clone()
}

impl TestApp {
    pub async fn start(db: TestDb, options: Options) -> TestApp {
        // `TEST_LOG=debug` shows the app's logs for a test run (quiet by default).
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(tracing_subscriber::EnvFilter::from_env("TEST_LOG"))
            .try_init();
        let key = test_key();
        let jwks = JwksServer::start(key.jwks()).await;
        jwks.set_failing(options.jwks_failing_at_start);
        let data_dir = options.data_dir.unwrap_or_else(|| tempfile::tempdir().unwrap());

        let mut vars: HashMap<&str, String> = HashMap::from([
            ("DATABASE_URL", options.database_url.clone().unwrap_or_else(|| db.url())),
            ("DATA_DIR", data_dir.path().display().to_string()),
        ]);
        if !options.local {
            vars.insert("AUTH0_DOMAIN", "issuer.test".into());
            vars.insert("AUTH0_AUDIENCE", AUDIENCE.into());
            let issuer = if options.fake_issuer { jwks.base.clone() } else { ISSUER.into() };
            vars.insert("AUTH0_ISSUER", issuer);
            vars.insert("APP_BASE_URL", "http://app.test".into());
            if options.fake_issuer {
                vars.insert("AUTH0_CLIENT_ID", CLIENT_ID.into());
            }
            vars.insert("AUTH0_JWKS_URL", jwks.url.clone());
        }
        if let Some(token) = &options.metrics_token {
            vars.insert("METRICS_TOKEN", token.clone());
        }
        let (sign_in, writes) = options.rate_limits.unwrap_or((0, 0));
        vars.insert("SIGN_IN_RATE_PER_MINUTE", sign_in.to_string());
        vars.insert("WRITE_RATE_PER_MINUTE", writes.to_string());
        if let Some(bytes) = options.picture_max_bytes {
            vars.insert("PICTURE_MAX_BYTES", bytes.to_string());
        }
        if let Some(bytes) = options.import_max_bytes {
            vars.insert("IMPORT_MAX_BYTES", bytes.to_string());
        }
        if let Some(proxies) = &options.trusted_proxies {
            vars.insert("TRUSTED_PROXIES", proxies.clone());
        }
        let mut config =
            Config::from_lookup("127.0.0.1:0".parse().unwrap(), |k| vars.get(k).cloned())
                .expect("test configuration is valid");
        config.jwks.refetch_cooldown = options.refetch_cooldown;
        if let Some((size, acquire_timeout)) = options.db_pool {
            config.db_max_connections = size;
            config.db_acquire_timeout = acquire_timeout;
        }
        config.jwks.fetch_timeout = Duration::from_secs(2);
        if let Some((max, heartbeat)) = options.event_streams {
            config.event_streams_max = max;
            config.event_heartbeat = heartbeat;
        }
        assert_eq!(matches!(config.auth, AuthConfig::Local), options.local);

        let leptos = LeptosOptions::builder()
            .output_name("casting-agency")
            .site_root(data_dir.path().display().to_string())
            .hash_files(options.hash_files)
            .build();
        let app = startup::build(&config, leptos).await.expect("the app builds");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let router = app.router.clone();
        let mut serve_options = config.serve_options();
        serve_options.grace = Duration::from_secs(5);
        if let Some(timeout) = options.header_read_timeout {
            serve_options.header_read_timeout = timeout;
        }
        if let Some(idle) = options.idle_timeout {
            serve_options.idle_timeout = idle;
        }
        if let Some(max) = options.max_connections {
            serve_options.max_connections = max;
        }
        let core = app.core.clone();
        tokio::spawn(async move {
            let shutdown = app.shutdown_on(async move {
                let _ = stopped.await;
            });
            let _app = app; // keeps the JWKS refresher alive as long as the server
            startup::serve(listener, router, shutdown, serve_options).await.unwrap();
        });
        TestApp {
            addr,
            client: reqwest::Client::new(),
            key,
            jwks,
            db,
            core,
            data_dir,
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Claims as Auth0 issues them for a role.
    pub fn claims(&self, role: Role) -> Value {
        let permissions: Vec<&str> = role.permissions().iter().map(|p| p.as_str()).collect();
        json!({
            "iss": ISSUER,
            "sub": format!("auth0|{}", role.slug()),
            "aud": [AUDIENCE, "https://issuer.test/userinfo"],
            "iat": now(),
            "exp": now() + 3600,
            "permissions": permissions,
        })
    }

    pub fn token(&self, role: Role) -> String {
        self.key.sign(&self.claims(role))
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, role: Role) -> Response {
        self.request(Method::GET, path, Some(&self.token(role))).send().await.unwrap()
    }

    pub async fn send_json(&self, method: Method, path: &str, role: Role, body: Value) -> Response {
        self.request(method, path, Some(&self.token(role))).json(&body).send().await.unwrap()
    }

    /// A token from local sign-in (`POST /auth/dev-token`), for apps started with `local`.
    pub async fn local_token(&self, role: Role) -> String {
        let res = self
            .client
            .post(self.url("/auth/dev-token"))
            .json(&json!({"role": role.slug()}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned()
    }

    /// Creates an actor as a producer and returns its id.
    pub async fn seed_actor(&self, name: &str) -> i64 {
        let body = json!({"name": name, "age": 40, "gender": "female"});
        let res = self.send_json(Method::POST, "/actors", Role::Producer, body).await;
        assert_eq!(res.status(), 200);
        res.json::<Value>().await.unwrap()["created"].as_i64().unwrap()
    }

    /// Creates a movie as a producer and returns its id.
    pub async fn seed_movie(&self, title: &str) -> i64 {
        let body = json!({"title": title, "release_date": "2024-12-23"});
        let res = self.send_json(Method::POST, "/movies", Role::Producer, body).await;
        assert_eq!(res.status(), 200);
        res.json::<Value>().await.unwrap()["created_id"].as_i64().unwrap()
    }
}

/// Status and JSON body, for assertions that show both on failure. The body as a seed API's
/// client sees it: without the `version` this API adds to every actor and movie object (the
/// seeds never had it, and their clients ignore it), so the contract tests keep comparing the
/// seeds' exact shapes. [`status_json_versioned`] keeps it; `versions.rs` tests it.
pub async fn status_json(res: Response) -> (u16, Value) {
    let (status, mut body) = status_json_versioned(res).await;
    strip_versions(&mut body);
    (status, body)
}

/// Status and JSON body, exactly as sent.
pub async fn status_json_versioned(res: Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    let body =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, body)
}

/// Removes what this API added to every actor and movie object (`version`, and `photo` or
/// `poster`) from every object that has an `id`.
pub fn strip_versions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.contains_key("id") {
                map.remove("version");
                map.remove("photo");
                map.remove("poster");
            }
            map.values_mut().for_each(strip_versions);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_versions),
        _ => {}
    }
}

/// Asserts the standard error shape and returns the body (as sent: a 412's `current` keeps
/// its version).
pub async fn expect_error(res: Response, status: u16, code: &str) -> Value {
    let (got, body) = status_json_versioned(res).await;
    assert_eq!((got, body["code"].as_str()), (status, Some(code)), "body: {body}");
    assert_eq!(body["success"], false, "body: {body}");
    assert_eq!(body["error"], status, "body: {body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "body: {body}");
    body
}

/// Runs each listed test against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::TestDb::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(db) = $crate::support::TestDb::postgres().await {
                        super::$name(db).await;
                    }
                }
            )*
        }
    };
}

/// A TCP proxy on loopback in front of PostgreSQL, which a test can cut and restore: a real
/// outage (refused and reset connections) without stopping the shared server.
pub struct TcpProxy {
    pub addr: SocketAddr,
    target: SocketAddr,
    tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl TcpProxy {
    pub async fn start(target: SocketAddr) -> Arc<TcpProxy> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Arc::new(TcpProxy {
            addr: listener.local_addr().unwrap(),
            target,
            tasks: Mutex::default(),
        });
        proxy.serve(listener);
        proxy
    }

    fn serve(self: &Arc<Self>, listener: tokio::net::TcpListener) {
        let weak = Arc::downgrade(self);
        let target = self.target;
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let Some(proxy) = weak.upgrade() else { break };
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                proxy.tasks.lock().unwrap().push(pipe);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    /// Stops listening and drops every open connection.
    pub fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn restore(self: &Arc<Self>) {
        let listener = loop {
            match tokio::net::TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        self.serve(listener);
    }
}
