//! Content negotiation between the REST API and the web app, which share paths (`/`,
//! `/actors`, `/movies/{id}`...). API clients (curl, Postman, python-requests send `*/*`,
//! `application/json` or nothing) get JSON; a browser navigation, whose `Accept` prefers
//! `text/html`, gets the server-rendered page for the same path.
//!
//! axum cannot register a Leptos page route and a REST GET route on one path (it panics at
//! start-up), so the REST routes own those paths and this middleware hands browser
//! navigations to the Leptos renderer before any REST extractor (auth included) runs.

use std::{future::Future, pin::Pin, sync::Arc};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, header},
    middleware::Next,
    response::Response,
};

use crate::server::api::state::AppState;

type RenderFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// Renders the Leptos app for a request (the page router inside the app picks the page).
#[derive(Clone)]
pub struct PageRenderer(Arc<dyn Fn(Request) -> RenderFuture + Send + Sync>);

impl PageRenderer {
    pub fn new(render: impl Fn(Request) -> RenderFuture + Send + Sync + 'static) -> PageRenderer {
        PageRenderer(Arc::new(render))
    }

    pub async fn render(&self, req: Request) -> Response {
        let mut response = (self.0)(req).await;
        vary_on_accept(&mut response);
        response
    }
}

/// Middleware for the REST routes.
pub async fn pages_for_browsers(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    // A download link (`?format=csv`) is a browser navigation that wants the file.
    let download = req.uri().query().is_some_and(|q| {
        form_urlencoded::parse(q.as_bytes()).any(|(key, value)| key == "format" && value == "csv")
    });
    if is_page_request(req.method(), req.headers()) && !download {
        let (parts, _body) = req.into_parts();
        return state.pages.render(Request::from_parts(parts, Body::empty())).await;
    }
    let mut response = next.run(req).await;
    vary_on_accept(&mut response);
    response
}

/// GET or HEAD asking for HTML first.
pub fn is_page_request(method: &Method, headers: &HeaderMap) -> bool {
    (method == Method::GET || method == Method::HEAD) && prefers_html(headers)
}

/// True when `text/html` (or XHTML) is explicitly acceptable and ranked strictly above JSON.
/// Wildcards never select HTML: `*/*` is what API clients send. A tie goes to JSON.
pub fn prefers_html(headers: &HeaderMap) -> bool {
    crate::server::api::accept::prefers_over_json(headers, &["text/html", "application/xhtml+xml"])
}

/// The same URL answers differently by `Accept`: caches must key on it.
fn vary_on_accept(response: &mut Response) {
    response.headers_mut().append(header::VARY, HeaderValue::from_static("accept"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, v.parse().unwrap());
        h
    }

    #[test]
    fn browsers_get_html_and_api_clients_json() {
        let chrome =
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
        assert!(prefers_html(&accept(chrome)));
        assert!(prefers_html(&accept("text/html")));
        assert!(!prefers_html(&accept("*/*")));
        assert!(!prefers_html(&accept("application/json")));
        assert!(!prefers_html(&accept("application/json, text/html;q=0.5")));
        assert!(!prefers_html(&accept("text/html, application/json")));
        assert!(!prefers_html(&accept("text/html;q=0")));
        assert!(!prefers_html(&HeaderMap::new()));
    }
}
