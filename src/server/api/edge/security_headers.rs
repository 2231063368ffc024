//! Security headers on every response, and the Content-Security-Policy of the web app's pages.
//!
//! Defence in depth behind escaping: were some text ever to reach a page as markup, the page's
//! policy still lets only the scripts this server wrote run. Each page render gets a fresh
//! nonce (Leptos' `nonce` feature puts it on the hydration script and on every inline
//! `<script>` of streamed data), and the policy names that nonce: no `unsafe-inline` scripts.

use axum::{
    extract::Request,
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// The policy of an HTML document that is not one of the app's pages (Swagger UI at `/docs`):
/// its scripts are files from this server; its styles are partly inline (Swagger UI sets
/// `style` attributes), which cannot run code.
const DOCUMENT_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Anything else (JSON, files): nothing in it may load or run anything, and nobody may frame it.
const RESOURCE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of a page rendered with `nonce`. `'wasm-unsafe-eval'` lets the page compile its
/// WebAssembly (it does not allow `eval`). `form-action` also names where sign-in may be
/// redirected (Auth0's origin, when configured), since browsers check redirects of form posts.
/// `blob:` images are the upload form's previews of a file the person chose, and `blob:`
/// connections how Chromium reads a dropped file that exists only in memory when the form is
/// sent (object URLs only this page's own script can make).
pub fn page_policy(nonce: &str, form_targets: &str) -> String {
    // `cargo leptos watch` injects a live-reload script that talks to a WebSocket on another
    // port; only then is `ws:` allowed.
    let reload = if std::env::var_os("LEPTOS_WATCH").is_some() { " ws: wss:" } else { "" };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; connect-src 'self' blob:{reload}; \
         object-src 'none'; base-uri 'none'; form-action 'self'{form_targets}; \
         frame-ancestors 'none'"
    )
}

/// Called in the Leptos context of each page render: sets the page's policy with the nonce
/// Leptos generated for this render. Server-function calls have no nonce and get none here
/// (the middleware gives them the resource policy).
pub fn set_page_policy(form_targets: &str) {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce, form_targets)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Adds `nosniff`, `Referrer-Policy`, `X-Frame-Options` and (unless the page set its own) a
/// Content-Security-Policy to every response.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let server_fn = req.uri().path().starts_with("/api/");
    let mut response = next.run(req).await;
    add_headers(response.headers_mut(), server_fn);
    response
}

/// `server_fn`: the answer of a server function (`/api/...`).
fn add_headers(headers: &mut HeaderMap, server_fn: bool) {
    add_no_store(headers, server_fn);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        return;
    }
    let policy = if is_html(headers) { DOCUMENT_POLICY } else { RESOURCE_POLICY };
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"))
}

/// Pages and server-function answers show a person's data: no cache may keep them, so Back
/// after signing out on a shared computer does not show the last person's lists.
fn add_no_store(headers: &mut HeaderMap, server_fn: bool) {
    if (is_html(headers) || server_fn) && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policy_allows_only_nonced_inline_scripts() {
        let policy = page_policy("abc123", "");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn html_without_a_policy_gets_the_document_policy() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        add_headers(&mut headers, false);
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], DOCUMENT_POLICY);
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let mut json = HeaderMap::new();
        json.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        add_headers(&mut json, false);
        assert_eq!(json[header::CONTENT_SECURITY_POLICY], RESOURCE_POLICY);
        assert!(!json.contains_key(header::CACHE_CONTROL), "REST answers may be revalidated");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    }
}
