//! The sign-in routes' rate limit, per client address, and how that address is found: the
//! connection's peer, or, when the peer is one of `TRUSTED_PROXIES`, the nearest address in
//! `X-Forwarded-For` that is not a trusted proxy. A header from anyone else is ignored (it
//! would let a client pick the address it is counted under).

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use ipnet::IpNet;

use crate::server::limits::Limits;

/// What the sign-in limit needs.
#[derive(Clone)]
pub struct SignInLimit {
    pub limits: Limits,
    pub trusted_proxies: Arc<[IpNet]>,
}

/// Counts every request under `/auth/` against its client's address.
pub async fn limit_sign_in(
    State(limit): State<SignInLimit>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/auth/")
        && let Some(client) = client_ip(&request, &limit.trusted_proxies)
        && let Err(refused) = limit.limits.admit_sign_in(client)
    {
        return refused.into_response();
    }
    next.run(request).await
}

/// The client's address (see the module docs); `None` when the server loop gave no peer.
pub fn client_ip(request: &Request, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>()?.0.ip();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    // Each proxy appends the address it got the request from: read from the right, past our
    // own proxies, to the first address they did not vouch for.
    let forwarded: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(peer: &str, forwarded: &[&str]) -> Request {
        let mut builder = Request::builder().uri("/auth/dev-token");
        for value in forwarded {
            builder = builder.header("x-forwarded-for", *value);
        }
        let mut request = builder.body(axum::body::Body::empty()).unwrap();
        request.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        request
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarded_for_counts_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // A direct client's header is ignored: it could name anyone.
        assert_eq!(
            client_ip(&request("203.0.113.9:5000", &["198.51.100.1"]), &trusted),
            ip("203.0.113.9")
        );
        // Through our proxy: the address it saw.
        assert_eq!(
            client_ip(&request("10.0.0.2:5000", &["198.51.100.1"]), &trusted),
            ip("198.51.100.1")
        );
        // A client that sends its own header first gets the address our proxy saw, not it.
        assert_eq!(
            client_ip(&request("10.0.0.2:5000", &["1.2.3.4, 198.51.100.1"]), &trusted),
            ip("198.51.100.1")
        );
        // Two of our proxies in a row, the header split over two lines.
        assert_eq!(
            client_ip(&request("10.0.0.2:5000", &["198.51.100.7", "10.1.1.1"]), &trusted),
            ip("198.51.100.7")
        );
        // Junk stops the walk at the last good address.
        assert_eq!(client_ip(&request("10.0.0.2:5000", &["nonsense"]), &trusted), ip("10.0.0.2"));
    }
}
