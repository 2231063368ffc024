//! Configuration from the environment (and a `.env` file, loaded by `cli`). Every variable is
//! documented in the README.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

/// How bearer tokens are verified.
#[derive(Clone, Debug)]
pub enum AuthConfig {
    /// Auth0 (or any OIDC issuer): keys come from its JWKS over HTTP.
    Auth0(Auth0Config),
    /// No Auth0 configured: the server signs its own tokens with a key kept in the data
    /// directory. Only for trying the app out; refused when `APP_ENV=production`.
    Local,
}

#[derive(Clone, Debug)]
pub struct Auth0Config {
    pub domain: String,
    pub audience: String,
    /// `https://{domain}/` unless `AUTH0_ISSUER` says otherwise. Ends with `/`, as Auth0's does.
    pub issuer: String,
    pub jwks_url: String,
    /// The web app's Auth0 application (`AUTH0_CLIENT_ID`); without it the web app cannot
    /// sign anyone in (the API still accepts tokens).
    pub client_id: Option<String>,
    /// Only for confidential clients; PKCE public clients have none.
    pub client_secret: Option<String>,
}

impl Auth0Config {
    /// Auth0's endpoints hang off the issuer URL.
    fn endpoint(&self, path: &str) -> String {
        format!("{}/{path}", self.issuer.trim_end_matches('/'))
    }

    pub fn authorize_url(&self) -> String {
        self.endpoint("authorize")
    }

    pub fn token_url(&self) -> String {
        self.endpoint("oauth/token")
    }

    pub fn logout_url(&self) -> String {
        self.endpoint("v2/logout")
    }
}

#[derive(Clone, Debug)]
pub struct JwksTiming {
    /// How often the key set is refreshed in the background.
    pub refresh_every: Duration,
    /// The shortest gap between two fetches caused by tokens with an unknown `kid`.
    pub refetch_cooldown: Duration,
    /// Time limit of one fetch.
    pub fetch_timeout: Duration,
}

impl Default for JwksTiming {
    fn default() -> Self {
        JwksTiming {
            refresh_every: Duration::from_secs(600),
            refetch_cooldown: Duration::from_secs(30),
            fetch_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub production: bool,
    /// The public URL of the app (`APP_BASE_URL`), for redirects and cookie security.
    pub app_base_url: Option<String>,
    pub site_addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub db_max_connections: u32,
    pub db_acquire_timeout: Duration,
    pub auth: AuthConfig,
    pub jwks: JwksTiming,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Largest accepted picture upload, in bytes (`PICTURE_MAX_BYTES`).
    pub picture_max_bytes: usize,
    /// Largest accepted spreadsheet import, in bytes (`IMPORT_MAX_BYTES`).
    pub import_max_bytes: usize,
    /// Lifetime of tokens issued by local sign-in.
    pub local_token_ttl: Duration,
    /// Time allowed for in-flight requests to finish after SIGTERM/Ctrl-C.
    pub shutdown_grace: Duration,
    /// A client must send a whole request head within this (slowloris protection).
    pub header_read_timeout: Duration,
    /// Connections open at once (`MAX_CONNECTIONS`).
    pub max_connections: usize,
    /// A connection with no request in flight for this long is closed (`IDLE_TIMEOUT_SECS`).
    pub idle_timeout: Duration,
    /// Extra host names the server answers for (`ALLOWED_HOSTS`, comma-separated); see
    /// `api::edge::hosts`.
    pub allowed_hosts: Vec<String>,
    /// How long a deleted actor or movie stays restorable (`TRASH_RETENTION_DAYS`, default
    /// 30); then a background sweep purges it (its history stays in the journal).
    pub trash_retention: Duration,
    /// Live event streams (`GET /events`) open at once on this instance
    /// (`EVENT_STREAMS_MAX`, default 512); fewer than `MAX_CONNECTIONS`, so that streams can
    /// never take every connection.
    pub event_streams_max: usize,
    /// How often an idle event stream gets a comment, so proxies keep it open
    /// (`EVENT_HEARTBEAT_SECS`, default 15).
    pub event_heartbeat: Duration,
    /// `METRICS_ADDR`: a listener of its own serving `GET /metrics` to anyone who reaches it.
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// `METRICS_TOKEN`: `GET /metrics` on the app's port, to this bearer secret.
    pub metrics_token: Option<String>,
    /// Requests under `/auth/` per client address per minute (`SIGN_IN_RATE_PER_MINUTE`,
    /// default 30; 0 is no limit).
    pub sign_in_per_minute: u32,
    /// Writes per caller (`sub`) per minute (`WRITE_RATE_PER_MINUTE`, default 600; 0 is no
    /// limit).
    pub writes_per_minute: u32,
    /// `TRUSTED_PROXIES`: addresses or networks whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error(
        "APP_ENV=production needs Auth0: set AUTH0_DOMAIN and AUTH0_AUDIENCE \
         (local sign-in is for development only)"
    )]
    ProductionWithoutAuth0,
    #[error("AUTH0_DOMAIN and AUTH0_AUDIENCE must be set together (only {0} is set)")]
    HalfAuth0(&'static str),
    #[error("{name} must be an http(s) URL, got `{value}`")]
    NotAUrl { name: &'static str, value: String },
    #[error("APP_ENV must be production (or prod) or development (or dev, local, test); got `{0}`")]
    UnknownAppEnv(String),
    #[error(
        "APP_ENV=production with AUTH0_CLIENT_ID needs APP_BASE_URL (https://...): Auth0 \
         redirects back to it"
    )]
    ProductionWithoutBaseUrl,
}

impl Config {
    /// Connection limits and shutdown timing for [`crate::server::serve::serve`].
    pub fn serve_options(&self) -> crate::server::serve::ServeOptions {
        crate::server::serve::ServeOptions {
            grace: self.shutdown_grace,
            header_read_timeout: self.header_read_timeout,
            max_head_bytes: crate::server::serve::MAX_HEAD_BYTES,
            max_connections: self.max_connections,
            idle_timeout: self.idle_timeout,
        }
    }

    /// Reads the process environment. `site_addr` is Leptos' `LEPTOS_SITE_ADDR` (already read
    /// into `leptos_addr`), with its port replaced by `PORT` when that is set.
    pub fn from_env(leptos_addr: SocketAddr) -> Result<Config, ConfigError> {
        Config::from_lookup(leptos_addr, |name| std::env::var(name).ok())
    }

    pub fn from_lookup(
        leptos_addr: SocketAddr,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let var = |name: &str| get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let production = match var("APP_ENV").map(|v| v.to_ascii_lowercase()).as_deref() {
            Some("production" | "prod") => true,
            None | Some("development" | "dev" | "local" | "test") => false,
            // A typo must not quietly turn production's protections off.
            Some(_) => return Err(ConfigError::UnknownAppEnv(var("APP_ENV").unwrap_or_default())),
        };

        let mut site_addr = leptos_addr;
        if let Some(port) = var("PORT") {
            let port = port
                .parse::<u16>()
                .map_err(|e| ConfigError::Invalid { name: "PORT", reason: e.to_string() })?;
            site_addr.set_port(port);
        }

        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "./data".to_owned()));
        let database_url = var("DATABASE_URL").unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", data_dir.join("casting-agency.db").display())
        });

        let auth = match (var("AUTH0_DOMAIN"), var("AUTH0_AUDIENCE")) {
            (Some(domain), Some(audience)) => {
                let domain = domain.trim_start_matches("https://").trim_end_matches('/').to_owned();
                let issuer = var("AUTH0_ISSUER").unwrap_or_else(|| format!("https://{domain}/"));
                let jwks_url = var("AUTH0_JWKS_URL").unwrap_or_else(|| {
                    format!("{}/.well-known/jwks.json", issuer.trim_end_matches('/'))
                });
                AuthConfig::Auth0(Auth0Config {
                    domain,
                    audience,
                    issuer,
                    jwks_url,
                    client_id: var("AUTH0_CLIENT_ID"),
                    client_secret: var("AUTH0_CLIENT_SECRET"),
                })
            }
            (None, None) if production => return Err(ConfigError::ProductionWithoutAuth0),
            (None, None) => AuthConfig::Local,
            (Some(_), None) => return Err(ConfigError::HalfAuth0("AUTH0_DOMAIN")),
            (None, Some(_)) => return Err(ConfigError::HalfAuth0("AUTH0_AUDIENCE")),
        };

        let app_base_url = var("APP_BASE_URL").map(|u| u.trim_end_matches('/').to_owned());
        if let Some(url) = &app_base_url {
            require_url("APP_BASE_URL", url)?;
        }
        if let AuthConfig::Auth0(auth0) = &auth {
            require_url("AUTH0_ISSUER", &auth0.issuer)?;
            require_url("AUTH0_JWKS_URL", &auth0.jwks_url)?;
            let https_base = app_base_url.as_deref().is_some_and(|u| u.starts_with("https://"));
            if production && auth0.client_id.is_some() && !https_base {
                return Err(ConfigError::ProductionWithoutBaseUrl);
            }
        }

        let max_connections = positive(parse(&var, "MAX_CONNECTIONS", 1024)?, "MAX_CONNECTIONS")?;
        let event_streams_max =
            positive(parse(&var, "EVENT_STREAMS_MAX", 512)?, "EVENT_STREAMS_MAX")?;
        if event_streams_max >= max_connections {
            return Err(ConfigError::Invalid {
                name: "EVENT_STREAMS_MAX",
                reason: format!(
                    "must be less than MAX_CONNECTIONS ({max_connections}), or streams could \
                     take every connection"
                ),
            });
        }
        let metrics_addr = match var("METRICS_ADDR").filter(|v| !v.is_empty()) {
            None => None,
            Some(addr) => Some(addr.parse().map_err(|_| ConfigError::Invalid {
                name: "METRICS_ADDR",
                reason: format!("`{addr}` is not an address and port (e.g. 127.0.0.1:9100)"),
            })?),
        };
        let metrics_token = var("METRICS_TOKEN").filter(|v| !v.is_empty());
        let trusted_proxies = var("TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse::<ipnet::IpNet>()
                    .or_else(|_| v.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| ConfigError::Invalid {
                        name: "TRUSTED_PROXIES",
                        reason: format!("`{v}` is not an address or a network (10.0.0.0/8)"),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err(ConfigError::Invalid {
                name: "METRICS_TOKEN",
                reason: "must be at least 16 characters (a secret, not a password)".into(),
            });
        }
        Ok(Config {
            production,
            app_base_url,
            site_addr,
            data_dir,
            database_url,
            db_max_connections: parse(&var, "DATABASE_MAX_CONNECTIONS", 10)?,
            db_acquire_timeout: Duration::from_millis(parse(
                &var,
                "DATABASE_ACQUIRE_TIMEOUT_MS",
                3000,
            )?),
            auth,
            jwks: JwksTiming {
                refresh_every: Duration::from_secs(parse(&var, "JWKS_REFRESH_SECS", 600)?),
                refetch_cooldown: Duration::from_secs(parse(
                    &var,
                    "JWKS_REFETCH_COOLDOWN_SECS",
                    30,
                )?),
                fetch_timeout: Duration::from_secs(parse(&var, "JWKS_FETCH_TIMEOUT_SECS", 5)?),
            },
            body_limit: parse(&var, "BODY_LIMIT_BYTES", 64 * 1024)?,
            picture_max_bytes: parse(
                &var,
                "PICTURE_MAX_BYTES",
                crate::model::picture::DEFAULT_MAX_BYTES,
            )?,
            import_max_bytes: parse(
                &var,
                "IMPORT_MAX_BYTES",
                crate::model::spreadsheet::IMPORT_DEFAULT_MAX_BYTES,
            )?,
            local_token_ttl: Duration::from_secs(parse(&var, "LOCAL_TOKEN_TTL_SECS", 8 * 3600)?),
            shutdown_grace: Duration::from_secs(parse(&var, "SHUTDOWN_GRACE_SECS", 20)?),
            header_read_timeout: Duration::from_secs(parse(&var, "HEADER_READ_TIMEOUT_SECS", 10)?),
            max_connections,
            idle_timeout: Duration::from_secs(positive(
                parse(&var, "IDLE_TIMEOUT_SECS", 60)?,
                "IDLE_TIMEOUT_SECS",
            )? as u64),
            allowed_hosts: var("ALLOWED_HOSTS")
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|h| !h.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            trash_retention: days(positive(
                parse(&var, "TRASH_RETENTION_DAYS", 30)?,
                "TRASH_RETENTION_DAYS",
            )?)?,
            event_streams_max,
            event_heartbeat: Duration::from_secs(positive(
                parse(&var, "EVENT_HEARTBEAT_SECS", 15)?,
                "EVENT_HEARTBEAT_SECS",
            )? as u64),
            metrics_addr,
            metrics_token,
            sign_in_per_minute: parse(&var, "SIGN_IN_RATE_PER_MINUTE", 30)?,
            writes_per_minute: parse(&var, "WRITE_RATE_PER_MINUTE", 600)?,
            trusted_proxies,
        })
    }

    /// The app's public URL: `APP_BASE_URL`, else the listen address.
    pub fn base_url(&self) -> String {
        self.app_base_url.clone().unwrap_or_else(|| format!("http://{}", self.site_addr))
    }

    /// `scheme://host[:port]` of `APP_BASE_URL`, if set.
    pub fn app_origin(&self) -> Option<String> {
        let url = reqwest::Url::parse(self.app_base_url.as_deref()?).ok()?;
        Some(url.origin().ascii_serialization())
    }

    /// Secure (`__Host-`) session cookies in production or behind an https base URL.
    pub fn secure_cookies(&self) -> bool {
        self.production || self.app_base_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

fn require_url(name: &'static str, value: &str) -> Result<(), ConfigError> {
    match reqwest::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        _ => Err(ConfigError::NotAUrl { name, value: value.to_owned() }),
    }
}

/// Whole days, at most about a hundred years (a larger retention is a typo).
fn days(n: usize) -> Result<Duration, ConfigError> {
    match n {
        1..=36_500 => Ok(Duration::from_secs(n as u64 * 24 * 60 * 60)),
        _ => Err(ConfigError::Invalid {
            name: "TRASH_RETENTION_DAYS",
            reason: "must be a whole number of days from 1 to 36500".into(),
        }),
    }
}

fn positive(value: usize, name: &'static str) -> Result<usize, ConfigError> {
    if value == 0 {
        return Err(ConfigError::Invalid { name, reason: "must be at least 1".into() });
    }
    Ok(value)
}

fn parse<T: std::str::FromStr>(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => {
            raw.parse().map_err(|e: T::Err| ConfigError::Invalid { name, reason: e.to_string() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup("127.0.0.1:3000".parse().unwrap(), |k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_local_sqlite_in_data_dir() {
        let c = config(&[]).unwrap();
        assert!(matches!(c.auth, AuthConfig::Local));
        assert_eq!(c.database_url, "sqlite://./data/casting-agency.db?mode=rwc");
        assert_eq!(c.site_addr.port(), 3000);
        assert_eq!(c.body_limit, 65536);
        assert_eq!(c.picture_max_bytes, 5 * 1024 * 1024);
    }

    #[test]
    fn event_streams_stay_below_the_connection_limit() {
        assert_eq!(config(&[]).unwrap().event_streams_max, 512);
        assert!(config(&[("EVENT_STREAMS_MAX", "1024")]).is_err());
        assert!(config(&[("EVENT_STREAMS_MAX", "0")]).is_err());
        let more = config(&[("EVENT_STREAMS_MAX", "1500"), ("MAX_CONNECTIONS", "2048")]).unwrap();
        assert_eq!(more.event_streams_max, 1500);
    }

    #[test]
    fn trash_retention_is_whole_days_within_reason() {
        assert_eq!(config(&[]).unwrap().trash_retention, Duration::from_secs(30 * 86_400));
        let week = config(&[("TRASH_RETENTION_DAYS", "7")]).unwrap();
        assert_eq!(week.trash_retention, Duration::from_secs(7 * 86_400));
        for bad in ["0", "36501", "-1", "a month", "18446744073709551615"] {
            assert!(config(&[("TRASH_RETENTION_DAYS", bad)]).is_err(), "{bad}");
        }
    }

    #[test]
    fn port_overrides_the_site_address_port() {
        let c = config(&[("PORT", "8080")]).unwrap();
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:8080");
        assert!(config(&[("PORT", "eighty")]).is_err());
    }

    #[test]
    fn auth0_issuer_and_jwks_url_default_from_the_domain() {
        let c = config(&[("AUTH0_DOMAIN", "acme.eu.auth0.com"), ("AUTH0_AUDIENCE", "casting")])
            .unwrap();
        let AuthConfig::Auth0(a) = c.auth else { panic!("expected Auth0") };
        assert_eq!(a.issuer, "https://acme.eu.auth0.com/");
        assert_eq!(a.jwks_url, "https://acme.eu.auth0.com/.well-known/jwks.json");
    }

    #[test]
    fn urls_are_checked_at_start_up() {
        let auth0 = [("AUTH0_DOMAIN", "acme.auth0.com"), ("AUTH0_AUDIENCE", "api")];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut vars = auth0.to_vec();
            vars.extend_from_slice(extra);
            config(&vars)
        };
        assert!(matches!(
            with(&[("AUTH0_ISSUER", "acme.auth0.com/")]),
            Err(ConfigError::NotAUrl { .. })
        ));
        assert!(matches!(
            with(&[("APP_BASE_URL", "casting.example")]),
            Err(ConfigError::NotAUrl { .. })
        ));
        let prod = [("APP_ENV", "production"), ("AUTH0_CLIENT_ID", "web")];
        assert!(matches!(with(&prod), Err(ConfigError::ProductionWithoutBaseUrl)));
        let c = with(&[
            ("APP_ENV", "production"),
            ("AUTH0_CLIENT_ID", "web"),
            ("APP_BASE_URL", "https://casting.example/"),
        ])
        .unwrap();
        assert!(c.secure_cookies());
        assert_eq!(c.app_origin().as_deref(), Some("https://casting.example"));
    }

    #[test]
    fn app_env_accepts_common_spellings_and_refuses_the_rest() {
        for prod in ["production", "PROD", "Production"] {
            assert!(matches!(
                config(&[("APP_ENV", prod)]),
                Err(ConfigError::ProductionWithoutAuth0)
            ));
        }
        for dev in ["development", "dev", "local", "test", ""] {
            assert!(!config(&[("APP_ENV", dev)]).unwrap().production, "{dev}");
        }
        assert!(matches!(config(&[("APP_ENV", "prodution")]), Err(ConfigError::UnknownAppEnv(_))));
    }

    #[test]
    fn production_refuses_local_sign_in_and_half_configurations() {
        assert!(matches!(
            config(&[("APP_ENV", "production")]),
            Err(ConfigError::ProductionWithoutAuth0)
        ));
        assert!(matches!(config(&[("AUTH0_DOMAIN", "x")]), Err(ConfigError::HalfAuth0(_))));
    }
}
