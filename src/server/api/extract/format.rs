//! Which representation a list asks for: JSON (the default), or CSV for a spreadsheet, asked
//! for with `Accept: text/csv` (programs) or `?format=csv` (a link a person clicks).

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, Uri, request::Parts},
};

use crate::server::ApiError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    /// `bom`: start with a UTF-8 byte-order mark, which Excel needs to read accents right. A
    /// download for a person (`?format=csv`) gets one; an `Accept: text/csv` answer, read by
    /// programs, does not.
    Csv {
        bom: bool,
    },
}

impl Format {
    /// `Err` names the accepted values of `format`.
    pub fn requested(uri: &Uri, headers: &HeaderMap) -> Result<Format, ApiError> {
        let query = uri.query().unwrap_or_default();
        let format = form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == "format");
        match format.as_ref().map(|(_, value)| value.as_ref()) {
            Some("csv") => Ok(Format::Csv { bom: true }),
            Some("json") => Ok(Format::Json),
            Some(_) => Err(ApiError::invalid("format", "format must be `json` or `csv`")),
            None if prefers_csv(headers) => Ok(Format::Csv { bom: false }),
            None => Ok(Format::Json),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Format::requested(&parts.uri, &parts.headers)
    }
}

/// `text/csv` explicitly acceptable and ranked above JSON (a tie, or `*/*`, stays JSON).
fn prefers_csv(headers: &HeaderMap) -> bool {
    crate::server::api::accept::prefers_over_json(headers, &["text/csv"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    fn format(uri: &str, accept: Option<&str>) -> Result<Format, ApiError> {
        let mut headers = HeaderMap::new();
        if let Some(accept) = accept {
            headers.insert(header::ACCEPT, accept.parse().unwrap());
        }
        Format::requested(&uri.parse().unwrap(), &headers)
    }

    #[test]
    fn csv_is_asked_for_by_parameter_or_accept() {
        assert_eq!(format("/actors?format=csv", None).unwrap(), Format::Csv { bom: true });
        assert_eq!(format("/actors", Some("text/csv")).unwrap(), Format::Csv { bom: false });
        assert_eq!(
            format("/actors", Some("text/csv, application/json;q=0.5")).unwrap(),
            Format::Csv { bom: false }
        );
        assert_eq!(format("/actors", Some("*/*")).unwrap(), Format::Json);
        assert_eq!(format("/actors", Some("application/json, text/csv")).unwrap(), Format::Json);
        assert_eq!(format("/actors?format=json", Some("text/csv")).unwrap(), Format::Json);
        assert!(format("/actors?format=xml", None).is_err());
    }
}
