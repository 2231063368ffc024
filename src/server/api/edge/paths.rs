//! Request paths and redirect targets that stay on this origin.
//!
//! `//pkg` was answered `307 Location: //pkg/` (the static-file service adding a slash), and a
//! browser reads `//pkg/` as another host. Repeated slashes are now merged before routing, and
//! every `Location` that starts with `/` is checked on the way out: whatever produced it, a
//! path-relative redirect never becomes protocol-relative.

use axum::{
    extract::Request,
    http::{HeaderValue, Uri, header, uri::PathAndQuery},
    middleware::Next,
    response::Response,
};

/// `//actors///7` → `/actors/7`; `None` when there is nothing to merge.
pub fn merge_slashes(path: &str) -> Option<String> {
    if !path.contains("//") {
        return None;
    }
    let mut merged = String::with_capacity(path.len());
    for c in path.chars() {
        if c == '/' && merged.ends_with('/') {
            continue;
        }
        merged.push(c);
    }
    Some(merged)
}

/// A redirect target that stays on this origin: a path-relative `Location` with its leading
/// slashes (and backslashes, which browsers read as slashes) merged into one.
pub fn local_location(location: &str) -> Option<String> {
    let rest = location.strip_prefix(['/', '\\'])?;
    let rest = rest.trim_start_matches(['/', '\\']);
    Some(format!("/{rest}"))
}

/// Merges repeated slashes in the request path before routing.
pub async fn normalize_path(mut req: Request, next: Next) -> Response {
    if let Some(merged) = merge_slashes(req.uri().path()) {
        let path_and_query = match req.uri().query() {
            Some(query) => format!("{merged}?{query}"),
            None => merged,
        };
        let mut parts = req.uri().clone().into_parts();
        if let Ok(pq) = path_and_query.parse::<PathAndQuery>() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    let mut response = next.run(req).await;
    keep_redirects_local(&mut response);
    response
}

fn keep_redirects_local(response: &mut Response) {
    let Some(location) = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok())
    else {
        return;
    };
    if location.starts_with(['/', '\\'])
        && let Some(local) = local_location(location)
        && local != location
        && let Ok(value) = HeaderValue::from_str(&local)
    {
        response.headers_mut().insert(header::LOCATION, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slashes_are_merged() {
        assert_eq!(merge_slashes("//pkg").as_deref(), Some("/pkg"));
        assert_eq!(merge_slashes("/actors///7//").as_deref(), Some("/actors/7/"));
        assert_eq!(merge_slashes("/actors/7"), None);
    }

    #[test]
    fn locations_stay_on_this_origin() {
        assert_eq!(local_location("//evil.example/").as_deref(), Some("/evil.example/"));
        assert_eq!(local_location("/\\evil.example").as_deref(), Some("/evil.example"));
        assert_eq!(local_location("/actors?q=a").as_deref(), Some("/actors?q=a"));
        assert_eq!(local_location("https://evil.example/"), None);
    }
}
