//! How a client ranks what it accepts (`Accept`): one rule for every answer that is not JSON
//! by default, used by the page negotiation (`edge::negotiate`) and by the CSV lists
//! (`extract::format`).

use axum::http::{HeaderMap, header};

/// True when one of `types` is explicitly acceptable (`q` above 0) and ranked strictly above
/// `application/json`: the one rule for every answer that is not JSON by default (pages, CSV).
/// Wildcards never count, and a tie goes to JSON.
pub fn prefers_over_json(headers: &HeaderMap, types: &[&str]) -> bool {
    let (mut wanted, mut json) = (0.0f32, 0.0f32);
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| {
                    p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok())
                })
                .unwrap_or(1.0)
                .clamp(0.0, 1.0);
            if types.contains(&mime.as_str()) {
                wanted = wanted.max(q);
            } else if mime == "application/json" {
                json = json.max(q);
            }
        }
    }
    wanted > 0.0 && wanted > json
}
