//! What leaves and comes back through server functions (`/api/...`), fixed up at the edge:
//!
//! - **Status.** Leptos answers every failed server function with HTTP 500, even when its body
//!   says 400 (arguments that do not decode, which happens before our code runs). The body is
//!   our `AppError`, so its own status is used: a client error is a 4xx, never a logged 500.
//! - **Form errors.** Without JavaScript, a failed form post is redirected back to the page
//!   with the error in the URL (`?__path=…&__err=<base64>`), and the page shows it. A crafted
//!   link could put any text there, so the redirect is signed (`__sig`, an HMAC with a key
//!   kept in the database) and a page request carrying an unsigned or forged error is sent to
//!   the same page without it.
//! - **Redirect targets.** That redirect goes to the `Referer`, which the client chose; it is
//!   cut down to its path and query, so it never leaves this origin.

use std::sync::Arc;

use aws_lc_rs::hmac;
use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{
    Engine,
    engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD},
};

use crate::model::{
    AppError,
    query::{DELETE_PARAM, EDIT_PARAM},
};
use crate::server::api::edge::paths::{local_location, merge_slashes};

/// Leptos' marker header on a failed server function's response.
const SERVER_FN_ERROR: &str = "serverfnerror";
/// Server-function error bodies are a few hundred bytes; more is not ours.
const MAX_ERROR_BODY: usize = 16 * 1024;

/// Signs and checks the errors of no-JavaScript form posts.
#[derive(Clone)]
pub struct FormErrorSigner(Arc<hmac::Key>);

impl FormErrorSigner {
    pub fn new(secret: &[u8]) -> FormErrorSigner {
        FormErrorSigner(Arc::new(hmac::Key::new(hmac::HMAC_SHA256, secret)))
    }

    /// What is signed: the page the error is shown on, the server function that failed, and
    /// the error, so a signed error cannot be moved to another page.
    fn message(page: &str, fn_path: &str, err: &str) -> Vec<u8> {
        [page.as_bytes(), b"\0", fn_path.as_bytes(), b"\0", err.as_bytes()].concat()
    }

    pub fn sign(&self, page: &str, fn_path: &str, err: &str) -> String {
        URL_SAFE_NO_PAD.encode(hmac::sign(&self.0, &Self::message(page, fn_path, err)))
    }

    pub fn verify(&self, page: &str, fn_path: &str, err: &str, sig: &str) -> bool {
        URL_SAFE_NO_PAD.decode(sig).is_ok_and(|tag| {
            hmac::verify(&self.0, &Self::message(page, fn_path, err), &tag).is_ok()
        })
    }
}

/// The three query parameters of the form-error round trip, and the rest of the query.
struct FormErrorQuery {
    path: Option<String>,
    err: Option<String>,
    sig: Option<String>,
    rest: Vec<(String, String)>,
}

fn split_query(query: &str) -> FormErrorQuery {
    let mut split = FormErrorQuery { path: None, err: None, sig: None, rest: Vec::new() };
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "__path" => split.path = Some(value.into_owned()),
            "__err" => split.err = Some(value.into_owned()),
            "__sig" => split.sig = Some(value.into_owned()),
            _ => split.rest.push((key.into_owned(), value.into_owned())),
        }
    }
    split
}

fn join_query(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// Server-function responses: the status their error body states, and a redirect back to the
/// page that stays on this origin and carries a signed error.
pub async fn server_fn_responses(
    State(signer): State<FormErrorSigner>,
    req: Request,
    next: Next,
) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let response = next.run(req).await;
    if response.headers().contains_key(header::LOCATION) {
        return with_local_signed_location(&signer, response).await;
    }
    if response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && response.headers().contains_key(SERVER_FN_ERROR)
    {
        return with_stated_status(response).await;
    }
    response
}

/// A server function's redirect back to its page: only the path and query of the target
/// (whatever host it named), with whatever form error the target carried removed, and this
/// response's own error, if it is one, added and signed. The target is the client's `Referer`,
/// so an error it carried is the client's text, never signed.
async fn with_local_signed_location(signer: &FormErrorSigner, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let location = parts.headers.get(header::LOCATION).and_then(|v| v.to_str().ok());
    let (path, query) = split_location(location.unwrap_or("/"));
    let mut pairs = split_query(&query).rest;
    let error_of = parts.headers.get(SERVER_FN_ERROR).and_then(|v| v.to_str().ok());
    let body = match error_of.map(str::to_owned) {
        Some(fn_path) => {
            let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            // What Leptos puts in `__err`: the serialized error, base64 (URL alphabet).
            let err = URL_SAFE.encode(&bytes);
            let sig = signer.sign(&path, &fn_path, &err);
            pairs.extend([
                ("__path".into(), fn_path),
                ("__err".into(), err),
                ("__sig".into(), sig),
            ]);
            Body::from(bytes)
        }
        // Done: the row editor the form came from closes, as it does with JavaScript.
        None => {
            pairs.retain(|(key, _)| key != EDIT_PARAM && key != DELETE_PARAM);
            body
        }
    };
    let location = match join_query(&pairs) {
        query if query.is_empty() => path,
        query => format!("{path}?{query}"),
    };
    match HeaderValue::from_str(&location) {
        Ok(value) => {
            parts.headers.insert(header::LOCATION, value);
            Response::from_parts(parts, body)
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The path (kept on this origin, slashes merged) and query of a redirect target, absolute or
/// not.
fn split_location(location: &str) -> (String, String) {
    let (path, query) = match reqwest::Url::parse(location) {
        Ok(url) => (url.path().to_owned(), url.query().unwrap_or_default().to_owned()),
        Err(_) => match location.split_once('?') {
            Some((path, query)) => (path.to_owned(), query.to_owned()),
            None => (location.to_owned(), String::new()),
        },
    };
    let path = local_location(&path).unwrap_or_else(|| "/".to_owned());
    (merge_slashes(&path).unwrap_or(path), query)
}

async fn with_stated_status(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status)
        && (status.is_client_error() || status.is_server_error())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Page requests that carry a form error this server did not sign are sent to the same page
/// without it (303), so a crafted link cannot put its text in the page's error box.
pub async fn unsigned_form_errors(
    State(signer): State<FormErrorSigner>,
    req: Request,
    next: Next,
) -> Response {
    // Names are compared decoded (`%5F%5Ferr` is `__err` to Leptos too).
    let query = req.uri().query().unwrap_or_default();
    if req.method() != Method::GET || query.is_empty() {
        return next.run(req).await;
    }
    let split = split_query(query);
    let page = req.uri().path();
    let signed = match (&split.path, &split.err, &split.sig) {
        (None, None, _) => true,
        (Some(fn_path), Some(err), Some(sig)) => signer.verify(page, fn_path, err, sig),
        _ => false,
    };
    if signed {
        return next.run(req).await;
    }
    tracing::debug!("a page request with an unsigned form error; sent to the page without it");
    let path = local_location(req.uri().path()).unwrap_or_else(|| "/".to_owned());
    let location = match join_query(&split.rest) {
        query if query.is_empty() => path,
        query => format!("{path}?{query}"),
    };
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_page_function_and_error() {
        let signer = FormErrorSigner::new(b"key");
        let sig = signer.sign("/actors", "/api/x", "ZXJy");
        assert!(signer.verify("/actors", "/api/x", "ZXJy", &sig));
        assert!(!signer.verify("/movies", "/api/x", "ZXJy", &sig));
        assert!(!signer.verify("/actors", "/api/y", "ZXJy", &sig));
        assert!(!signer.verify("/actors", "/api/x", "ZXJz", &sig));
        assert!(!FormErrorSigner::new(b"other").verify("/actors", "/api/x", "ZXJy", &sig));
    }

    #[test]
    fn redirect_targets_keep_path_and_query_only() {
        let split = |l| split_location(l);
        assert_eq!(split("https://evil.example/actors?q=a"), ("/actors".into(), "q=a".into()));
        assert_eq!(split("//evil.example/x"), ("/evil.example/x".into(), String::new()));
        assert_eq!(split("/a//b?c=d"), ("/a/b".into(), "c=d".into()));
    }
}
