//! List query strings (`?q=&sort=-age&page=2&per_page=20`...), decoded only after the
//! permission check, like bodies. Unknown or repeated parameters are refused, naming them.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;

use crate::{
    model::{
        dates,
        query::{ActorQuery, ActorSort, MovieQuery, MovieSort, Page},
    },
    server::{ApiError, service::Input},
};

/// Default page size when a client asks for a page without saying how big.
const DEFAULT_PER_PAGE: i64 = 20;

/// The paging fields of a list response.
#[derive(serde::Serialize)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

pub struct QueryParams(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(pairs) =
            Query::<Vec<(String, String)>>::from_request_parts(parts, state).await.map_err(
                |_| ApiError::bad_request("bad_query", "the query string could not be read"),
            )?;
        Ok(QueryParams(pairs))
    }
}

impl QueryParams {
    /// The web app's list controls, as the parameters the REST API would get.
    pub fn from_controls(
        q: Option<String>,
        sort: Option<String>,
        page: Option<i64>,
        per_page: i64,
    ) -> QueryParams {
        let mut pairs = vec![("per_page".to_owned(), per_page.to_string())];
        pairs.extend(q.filter(|q| !q.trim().is_empty()).map(|q| ("q".to_owned(), q)));
        pairs.extend(sort.filter(|s| !s.is_empty()).map(|s| ("sort".to_owned(), s)));
        pairs.push(("page".to_owned(), page.unwrap_or(1).to_string()));
        QueryParams(pairs)
    }

    /// Each parameter once, all of them among `allowed`.
    fn checked(&self, allowed: &[&str]) -> Result<(), ApiError> {
        for (i, (key, _)) in self.0.iter().enumerate() {
            if !allowed.contains(&key.as_str()) {
                return Err(ApiError::validation(
                    key.clone(),
                    "unknown_parameter",
                    format!("unknown parameter `{key}`; allowed: {}", allowed.join(", ")),
                ));
            }
            if self.0[..i].iter().any(|(k, _)| k == key) {
                return Err(ApiError::validation(
                    key.clone(),
                    "repeated_parameter",
                    format!("{key} is given twice"),
                ));
            }
        }
        Ok(())
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        self.get(key)
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| ApiError::invalid(key, format!("{key} must be a whole number")))
            })
            .transpose()
    }

    fn date(&self, key: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
        self.get(key)
            .map(|v| dates::parse_release_date(v).map_err(|m| ApiError::invalid(key, m)))
            .transpose()
    }

    fn page(&self) -> Result<Option<Page>, ApiError> {
        let (page, per_page) = (self.int("page")?, self.int("per_page")?);
        if page.is_none() && per_page.is_none() {
            return Ok(None);
        }
        Ok(Some(Page { page: page.unwrap_or(1), per_page: per_page.unwrap_or(DEFAULT_PER_PAGE) }))
    }

    /// `sort=name` or `sort=-name` (descending), among `columns`.
    fn sort<T: Copy>(&self, columns: &[(&str, T)], default: T) -> Result<(T, bool), ApiError> {
        let Some(raw) = self.get("sort") else { return Ok((default, false)) };
        let (name, descending) = match raw.strip_prefix('-') {
            Some(name) => (name, true),
            None => (raw, false),
        };
        let column =
            columns.iter().find(|(n, _)| *n == name).map(|(_, c)| *c).ok_or_else(|| {
                let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
                ApiError::invalid(
                    "sort",
                    format!("sort must be one of {} (prefix - for descending)", names.join(", ")),
                )
            })?;
        Ok((column, descending))
    }
}

impl Input<ActorQuery> for QueryParams {
    fn into_input(self) -> Result<ActorQuery, ApiError> {
        self.checked(&["q", "gender", "age_min", "age_max", "sort", "page", "per_page"])?;
        let columns = [
            ("id", ActorSort::Id),
            ("name", ActorSort::Name),
            ("age", ActorSort::Age),
            ("gender", ActorSort::Gender),
        ];
        let (sort, descending) = self.sort(&columns, ActorSort::Id)?;
        Ok(ActorQuery {
            q: self.get("q").map(str::to_owned),
            gender: self.get("gender").map(str::to_owned),
            age_min: self.int("age_min")?,
            age_max: self.int("age_max")?,
            sort,
            descending,
            page: self.page()?,
        })
    }
}

impl Input<MovieQuery> for QueryParams {
    fn into_input(self) -> Result<MovieQuery, ApiError> {
        self.checked(&["q", "released_after", "released_before", "sort", "page", "per_page"])?;
        let columns = [
            ("id", MovieSort::Id),
            ("title", MovieSort::Title),
            ("release_date", MovieSort::ReleaseDate),
        ];
        let (sort, descending) = self.sort(&columns, MovieSort::Id)?;
        Ok(MovieQuery {
            q: self.get("q").map(str::to_owned),
            released_after: self.date("released_after")?,
            released_before: self.date("released_before")?,
            sort,
            descending,
            page: self.page()?,
        })
    }
}
