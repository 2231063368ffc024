//! Which `Host` names the server answers for.
//!
//! DNS rebinding: a web page a developer visits can point its own host name at 127.0.0.1 and
//! then talk to a local-mode server as if it were same-origin, where anyone may take a
//! producer token. So local mode answers only loopback names, the `APP_BASE_URL` host and the
//! names listed in `ALLOWED_HOSTS`; other requests get 421. With Auth0 every request needs a
//! real token anyway, so all hosts are served unless `ALLOWED_HOSTS` is set.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    http::{Uri, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::server::ApiError;

/// Host names (lower case, without port) a request may be addressed to; `None`: any.
#[derive(Clone, Debug, Default)]
pub struct AllowedHosts(Option<Arc<[String]>>);

/// The loopback names local mode always answers for.
const LOOPBACK: &[&str] = &["localhost", "127.0.0.1", "[::1]"];

impl AllowedHosts {
    /// `local`: local sign-in mode (loopback names are always allowed then). `base_url`: the
    /// configured `APP_BASE_URL`. `listed`: the entries of `ALLOWED_HOSTS`.
    pub fn new(local: bool, base_url: Option<&str>, listed: &[String]) -> AllowedHosts {
        if !local && listed.is_empty() {
            return AllowedHosts(None);
        }
        // An entry may be written as a URL or with a port (`https://box.lan:3000`): its host
        // name is what counts.
        let mut names: Vec<String> = listed
            .iter()
            .map(|entry| {
                let entry = entry.trim();
                let authority = entry.split_once("://").map_or(entry, |(_, rest)| rest);
                let authority = authority.split('/').next().unwrap_or(authority);
                host_name(authority).to_ascii_lowercase()
            })
            .collect();
        if local {
            names.extend(LOOPBACK.iter().map(|h| (*h).to_owned()));
        }
        if let Some(host) = base_url
            .and_then(|u| u.parse::<Uri>().ok())
            .and_then(|u| u.authority().map(|a| host_name(a.as_str()).to_ascii_lowercase()))
        {
            names.push(host);
        }
        AllowedHosts(Some(names.into()))
    }

    pub fn allows(&self, host: Option<&str>) -> bool {
        let Some(names) = &self.0 else { return true };
        let Some(host) = host else { return false };
        let host = host_name(host);
        names.iter().any(|name| name.eq_ignore_ascii_case(host))
    }
}

/// `host[:port]` → `host` (an IPv6 literal keeps its brackets).
fn host_name(authority: &str) -> &str {
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if authority.starts_with('[') {
        return authority.split_inclusive(']').next().unwrap_or(authority);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// Refuses requests addressed to a host this server does not answer for (421).
pub async fn check_host(State(allowed): State<AllowedHosts>, req: Request, next: Next) -> Response {
    // HTTP/2 carries the host in the URI (`:authority`); HTTP/1.1 in the Host header.
    let host = req
        .uri()
        .authority()
        .map(|a| a.as_str())
        .or_else(|| req.headers().get(header::HOST).and_then(|v| v.to_str().ok()));
    if allowed.allows(host) {
        next.run(req).await
    } else {
        tracing::debug!(?host, "request for a host this server does not answer for");
        ApiError::MisdirectedRequest.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_mode_answers_loopback_and_configured_names_only() {
        let hosts = AllowedHosts::new(true, Some("https://casting.example:8443"), &[]);
        for ok in ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "LOCALHOST", "casting.example"]
        {
            assert!(hosts.allows(Some(ok)), "{ok}");
        }
        for bad in ["evil.example", "127.0.0.1.evil.example", "localhost.evil", "[::2]:3000"] {
            assert!(!hosts.allows(Some(bad)), "{bad}");
        }
        assert!(!hosts.allows(None));
        let listed = AllowedHosts::new(true, None, &["box.lan".to_owned()]);
        assert!(listed.allows(Some("box.lan:3000")));
        for written in ["box.lan:3000", "https://Box.lan:3000/", " box.lan "] {
            let listed = AllowedHosts::new(true, None, &[written.to_owned()]);
            assert!(listed.allows(Some("box.lan:3000")), "{written}");
        }
    }

    #[test]
    fn auth0_mode_answers_any_host_unless_listed() {
        assert!(AllowedHosts::new(false, Some("https://casting.example"), &[]).allows(Some("x")));
        let listed = AllowedHosts::new(false, None, &["casting.example".to_owned()]);
        assert!(!listed.allows(Some("x")) && listed.allows(Some("casting.example")));
    }
}
