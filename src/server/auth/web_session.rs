//! The web app's session: the access token in an HttpOnly, SameSite=Lax cookie, and the check
//! that a cookie-authenticated write comes from our own pages.
//!
//! The REST API never reads the cookie (bearer tokens only), so a cross-site request can never
//! ride on a browser's session there.

use axum::http::{HeaderMap, HeaderValue, header, request::Parts};

use super::{Principal, Verifier, Writer, bearer::bearer_token};
use crate::server::ApiError;

#[derive(Clone, Debug)]
pub struct SessionCookie {
    /// `__Host-` prefixed when `secure`: the browser then insists on Secure, Path=/ and no
    /// Domain, so no sibling subdomain can plant or read it.
    pub name: &'static str,
    pub secure: bool,
    /// The app's own origin (`scheme://host[:port]` of `APP_BASE_URL`), when configured: the
    /// only origin allowed to make cookie-authenticated writes.
    pub origin: Option<String>,
}

/// The value of cookie `name` in a request's `Cookie` headers.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

impl SessionCookie {
    pub fn new(secure: bool, origin: Option<String>) -> SessionCookie {
        let name = if secure { "__Host-casting_session" } else { "casting_session" };
        SessionCookie { name, secure, origin }
    }

    /// The session cookie's value, if the request has one.
    pub fn read<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        read_cookie(headers, self.name)
    }

    /// See [`require_same_origin`].
    pub fn require_same_origin(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        require_same_origin(headers, self.origin.as_deref())
    }

    pub fn set(&self, token: &str, max_age_secs: u64) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        let value = format!(
            "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}",
            self.name
        );
        HeaderValue::from_str(&value).expect("a JWT is a valid cookie value")
    }

    pub fn clear(&self) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
            self.name
        ))
        .expect("static cookie text is valid")
    }
}

/// The caller of a web-app request that reads: a bearer token if one is sent, else the
/// session cookie.
pub async fn authenticate_reader(
    verifier: &Verifier,
    cookie: &SessionCookie,
    parts: &Parts,
) -> Result<Principal, ApiError> {
    match session_token(cookie, parts)? {
        Credential::Bearer => verifier.verify(bearer_token(parts)?).await,
        Credential::Cookie(token) => verifier.verify(token).await,
    }
}

/// The caller of a web-app request that writes: as [`authenticate_reader`], and a cookie only
/// on a same-origin request.
pub async fn authenticate_writer(
    verifier: &Verifier,
    cookie: &SessionCookie,
    parts: &Parts,
) -> Result<Writer, ApiError> {
    match session_token(cookie, parts)? {
        Credential::Bearer => super::bearer::bearer_writer(verifier, parts).await,
        Credential::Cookie(token) => {
            cookie.require_same_origin(&parts.headers)?;
            Ok(Writer(verifier.verify(token).await?, None))
        }
    }
}

enum Credential<'a> {
    Bearer,
    Cookie(&'a str),
}

/// A bearer token wins; any other scheme (a proxy's Basic auth, say) is not ours to judge, so
/// the session cookie is used.
fn session_token<'a>(cookie: &SessionCookie, parts: &'a Parts) -> Result<Credential<'a>, ApiError> {
    let bearer =
        parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            v.trim_start().get(..7).is_some_and(|s| s.eq_ignore_ascii_case("bearer "))
        });
    if bearer {
        return Ok(Credential::Bearer);
    }
    cookie
        .read(&parts.headers)
        .map(Credential::Cookie)
        .ok_or_else(|| ApiError::unauthorized("not_signed_in", "sign in to continue"))
}

/// Refuses a cookie-authenticated write that a browser says came from another site. Browsers
/// send `Sec-Fetch-Site` (and `Origin` on POST); without `Sec-Fetch-Site`, `Origin` must be
/// the app's own: `expected` (from `APP_BASE_URL`, scheme and port included) when configured,
/// else `http://` and the `Host` the request was sent to. A request with neither header is refused.
pub fn require_same_origin(headers: &HeaderMap, expected: Option<&str>) -> Result<(), ApiError> {
    let cross = || ApiError::Refused {
        code: "cross_origin",
        message: "cross-site requests cannot change data".into(),
    };
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return if site == "same-origin" { Ok(()) } else { Err(cross()) };
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).ok_or_else(cross)?;
    let same = match expected {
        Some(expected) => origin.eq_ignore_ascii_case(expected),
        None => {
            // Without APP_BASE_URL this server is reached over plain HTTP (it terminates no
            // TLS), so its origin is `http://` + Host; the scheme counts like the host does.
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).ok_or_else(cross)?;
            origin.strip_prefix("http://").is_some_and(|rest| rest.eq_ignore_ascii_case(host))
        }
    };
    if same { Ok(()) } else { Err(cross()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn same_origin_writes_only() {
        let check = |pairs: &[(&'static str, &str)], expected| {
            require_same_origin(&headers(pairs), expected)
        };
        assert!(check(&[("sec-fetch-site", "same-origin")], None).is_ok());
        assert!(check(&[("sec-fetch-site", "cross-site")], None).is_err());
        assert!(check(&[("sec-fetch-site", "same-site")], None).is_err());
        let ok = [("origin", "http://localhost:3000"), ("host", "localhost:3000")];
        assert!(check(&ok, None).is_ok());
        let evil = [("origin", "https://evil.example"), ("host", "localhost:3000")];
        assert!(check(&evil, None).is_err());
        let other_scheme = [("origin", "https://localhost:3000"), ("host", "localhost:3000")];
        assert!(check(&other_scheme, None).is_err());
        assert!(check(&[("host", "localhost:3000")], None).is_err());
        // With APP_BASE_URL the scheme counts too, and a rewritten Host does not matter.
        let proxied = [("origin", "https://casting.example"), ("host", "127.0.0.1:3000")];
        assert!(check(&proxied, Some("https://casting.example")).is_ok());
        let downgraded = [("origin", "http://casting.example"), ("host", "casting.example")];
        assert!(check(&downgraded, Some("https://casting.example")).is_err());
    }

    #[test]
    fn cookie_is_found_among_others_and_flagged() {
        let c = SessionCookie::new(false, None);
        let h = headers(&[("cookie", "a=1; casting_session=tok.en.x; b=2")]);
        assert_eq!(c.read(&h), Some("tok.en.x"));
        let set = c.set("t", 60);
        let set = set.to_str().unwrap();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax") && !set.contains("Secure")
        );
        let secure = SessionCookie::new(true, None);
        assert!(secure.set("t", 60).to_str().unwrap().starts_with("__Host-casting_session=t;"));
        assert!(secure.set("t", 60).to_str().unwrap().ends_with("; Secure"));
    }
}
