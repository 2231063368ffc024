//! Conditional requests (RFC 9110 §13): `If-Match` on writes, `If-None-Match` on reads, and
//! the `ETag` of every answer about one versioned record (`"<version>"`).

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, HeaderName, HeaderValue, header, request::Parts},
};

use crate::server::{ApiError, service::Precondition};

/// The `ETag` of a record at `version`.
pub fn etag(version: i64) -> [(HeaderName, HeaderValue); 1] {
    let value = HeaderValue::from_str(&format!("\"{version}\"")).expect("digits are a header");
    [(header::ETAG, value)]
}

/// `If-Match`: what a write expects of its row. Weak tags never match (strong comparison).
pub struct IfMatch(pub Precondition);

/// `If-None-Match`: `Some` when the client holds a copy; a read answers 304 when it
/// matches. Weak and strong tags compare alike (weak comparison).
pub struct IfNoneMatch(pub Option<Precondition>);

impl IfNoneMatch {
    /// Whether a record at `version` is what the client already holds; 400 for a header that
    /// could not be read (asked once the caller is known to be allowed to read the record).
    pub fn holds(&self, version: i64) -> Result<bool, ApiError> {
        match &self.0 {
            Some(p) => p.readable().map(|()| p.allows(version)),
            None => Ok(false),
        }
    }
}

impl IfNoneMatch {
    /// Whether the client holds the representation whose entity tag is `tag` (its opaque
    /// text, without quotes); 400 for a header that could not be read.
    pub fn matches_tag(&self, tag: &str) -> Result<bool, ApiError> {
        match &self.0 {
            Some(Precondition::Tags(tags)) => Ok(tags.iter().any(|t| t == tag)),
            Some(Precondition::Exists) => Ok(true),
            Some(other) => other.readable().map(|()| false),
            None => Ok(false),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Ok(tags) = parse(&parts.headers, header::IF_MATCH) else {
            return Ok(IfMatch(Precondition::Malformed("If-Match")));
        };
        let tags = match tags {
            None => return Ok(IfMatch(Precondition::None)),
            Some(Tags::Any) => return Ok(IfMatch(Precondition::Exists)),
            Some(Tags::List(tags)) => tags,
        };
        let strong = tags.into_iter().filter(|t| !t.weak).map(|t| t.opaque).collect();
        Ok(IfMatch(Precondition::Tags(strong)))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IfNoneMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Ok(tags) = parse(&parts.headers, header::IF_NONE_MATCH) else {
            return Ok(IfNoneMatch(Some(Precondition::Malformed("If-None-Match"))));
        };
        Ok(IfNoneMatch(match tags {
            None => None,
            Some(Tags::Any) => Some(Precondition::Exists),
            Some(Tags::List(tags)) => {
                Some(Precondition::Tags(tags.into_iter().map(|t| t.opaque).collect()))
            }
        }))
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Tag {
    weak: bool,
    opaque: String,
}

#[derive(Debug, PartialEq, Eq)]
enum Tags {
    Any,
    List(Vec<Tag>),
}

/// The header could not be read.
struct Malformed;

/// Every line of the header, as one list; `None` when absent.
fn parse(headers: &HeaderMap, name: HeaderName) -> Result<Option<Tags>, Malformed> {
    let mut values = headers.get_all(&name).iter().peekable();
    if values.peek().is_none() {
        return Ok(None);
    }
    let mut tags = Vec::new();
    for value in values {
        let text = value.to_str().map_err(|_| Malformed)?;
        if text.trim() == "*" {
            return Ok(Some(Tags::Any));
        }
        tags.extend(parse_list(text).ok_or(Malformed)?);
    }
    Ok(Some(Tags::List(tags)))
}

/// `#entity-tag`: `W/"x", "y"`. `None` when malformed.
fn parse_list(text: &str) -> Option<Vec<Tag>> {
    let mut tags = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return Some(tags);
        }
        let weak = rest.starts_with("W/");
        if weak {
            rest = &rest[2..];
        }
        rest = rest.strip_prefix('"')?;
        let end = rest.find('"')?;
        let opaque = &rest[..end];
        // etagc: visible ASCII but `"`, or obs-text.
        if !opaque.bytes().all(|b| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80) {
            return None;
        }
        tags.push(Tag { weak, opaque: opaque.to_owned() });
        rest = &rest[end + 1..];
        if !(rest.is_empty() || rest.starts_with([' ', '\t', ','])) {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(weak: bool, opaque: &str) -> Tag {
        Tag { weak, opaque: opaque.to_owned() }
    }

    #[test]
    fn entity_tag_lists_parse() {
        assert_eq!(parse_list("\"3\""), Some(vec![tag(false, "3")]));
        assert_eq!(
            parse_list(" W/\"3\" ,\"4\",, \"a,b\""),
            Some(vec![tag(true, "3"), tag(false, "4"), tag(false, "a,b")])
        );
        assert_eq!(parse_list(""), Some(vec![]));
        for bad in ["3", "\"3", "W/3", "\"3\"x", "\"a b\""] {
            assert_eq!(parse_list(bad), None, "{bad}");
        }
    }
}
