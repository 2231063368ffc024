//! List query strings (`?q=&sort=-age&page=2&per_page=20`...), decoded only after the
//! permission check, like bodies. Unknown or repeated parameters are refused, naming them.

use std::sync::LazyLock;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use utoipa::IntoParams;

use crate::{
    model::{
        dates,
        journal::is_batch_id,
        query::{ACTOR_SORTS, ActorQuery, ActorSort, MOVIE_SORTS, MovieQuery, MovieSort, Page},
    },
    server::{
        ApiError,
        db::journal::{Action, Entity},
        service::{ChangeQuery, Input, TrashPage, validate},
    },
};

/// Default page size when a client asks for a page without saying how big.
const DEFAULT_PER_PAGE: i64 = 20;

/// The paging fields of a list response: present when a page was asked for.
#[derive(Default, serde::Serialize, utoipa::ToSchema)]
pub struct Paging {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 1)]
    pub page: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// Every match, on all pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = 0)]
    pub total: Option<i64>,
}

impl Paging {
    pub fn of(page: Option<crate::model::query::Page>, total: i64) -> Paging {
        page.map(|p| Paging { page: Some(p.page), per_page: Some(p.per_page), total: Some(total) })
            .unwrap_or_default()
    }
}

/// The parameters of `GET /actors`. Only the OpenAPI generator reads the fields; the parser
/// below accepts exactly these names, so the document and the API cannot drift apart.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ActorListParams {
    /// Case-insensitive substring of the name.
    #[param(max_length = 200)]
    q: Option<String>,
    /// Exact gender, ignoring case.
    #[param(max_length = 50)]
    gender: Option<String>,
    /// Youngest age, inclusive.
    age_min: Option<i64>,
    /// Oldest age, inclusive.
    age_max: Option<i64>,
    /// Sort column; prefix `-` for descending. Default `id`.
    #[param(pattern = "^-?(id|name|age|gender)$", example = "-age")]
    sort: Option<String>,
    /// `csv` for every match (paging ignored) as a spreadsheet download; also
    /// `Accept: text/csv`. Default `json`.
    #[param(pattern = "^(json|csv)$")]
    format: Option<String>,
    /// Page number, from 1. Asking for a page (or a page size) turns paging on.
    #[param(minimum = 1)]
    page: Option<i64>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<i64>,
}

/// The parameters of `GET /movies`; see [`ActorListParams`].
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct MovieListParams {
    /// Case-insensitive substring of the title.
    #[param(max_length = 200)]
    q: Option<String>,
    /// Released on or after this date (`YYYY-MM-DD`, RFC 3339 or HTTP-date).
    #[param(example = "2000-01-01")]
    released_after: Option<String>,
    /// Released on or before this date.
    #[param(example = "2030-12-31")]
    released_before: Option<String>,
    /// Sort column; prefix `-` for descending. Default `id`.
    #[param(pattern = "^-?(id|title|release_date)$", example = "-release_date")]
    sort: Option<String>,
    /// `csv` for every match (paging ignored) as a spreadsheet download; also
    /// `Accept: text/csv`. Default `json`.
    #[param(pattern = "^(json|csv)$")]
    format: Option<String>,
    /// Page number, from 1. Asking for a page (or a page size) turns paging on.
    #[param(minimum = 1)]
    page: Option<i64>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<i64>,
}

/// The parameters of `GET /changes` and of a record's history; see [`ActorListParams`].
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ChangeListParams {
    /// Only changes to this kind of record.
    #[param(pattern = "^(actor|movie|casting)$", example = "actor")]
    entity: Option<String>,
    /// Only this kind of change.
    #[param(pattern = "^(create|update|delete|restore|cast|recast|uncast)$", example = "update")]
    action: Option<String>,
    /// Only changes made by this subject (the token's `sub`).
    #[param(max_length = 200)]
    by: Option<String>,
    /// Only changes after this change id, oldest first (to follow the feed).
    #[param(minimum = 0)]
    since: Option<i64>,
    /// Only the changes one action made together (an entry's `batch`).
    #[param(pattern = "^[A-Za-z0-9_-]{22}$", example = "k3Jq0d9uT8m2xWv1bYc4Ag")]
    batch: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1)]
    page: Option<i64>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<i64>,
}

/// The parameters of `GET /trash`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct TrashListParams {
    /// Page number, from 1.
    #[param(minimum = 1)]
    page: Option<i64>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<i64>,
}

fn names<P: IntoParams>() -> Vec<String> {
    P::into_params(|| None).into_iter().map(|p| p.name).collect()
}

static ACTOR_PARAMS: LazyLock<Vec<String>> = LazyLock::new(names::<ActorListParams>);
static MOVIE_PARAMS: LazyLock<Vec<String>> = LazyLock::new(names::<MovieListParams>);
static CHANGE_PARAMS: LazyLock<Vec<String>> = LazyLock::new(names::<ChangeListParams>);
static TRASH_PARAMS: LazyLock<Vec<String>> = LazyLock::new(names::<TrashListParams>);

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
    /// Each parameter once, all of them among `allowed`.
    fn checked(&self, allowed: &[String]) -> Result<(), ApiError> {
        for (i, (key, _)) in self.0.iter().enumerate() {
            if !allowed.contains(key) {
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
        validate::sort(self.get("sort"), columns, default)
    }
}

impl Input<ActorQuery> for QueryParams {
    fn into_input(self) -> Result<ActorQuery, ApiError> {
        self.checked(&ACTOR_PARAMS)?;
        let (sort, descending) = self.sort(&ACTOR_SORTS, ActorSort::Id)?;
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
        self.checked(&MOVIE_PARAMS)?;
        let (sort, descending) = self.sort(&MOVIE_SORTS, MovieSort::Id)?;
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

impl Input<TrashPage> for QueryParams {
    fn into_input(self) -> Result<TrashPage, ApiError> {
        self.checked(&TRASH_PARAMS)?;
        Ok(TrashPage(self.page()?))
    }
}

impl Input<ChangeQuery> for QueryParams {
    fn into_input(self) -> Result<ChangeQuery, ApiError> {
        self.checked(&CHANGE_PARAMS)?;
        let entity = match self.get("entity") {
            Some(v) => Some(Entity::parse(v).ok_or_else(|| {
                ApiError::invalid("entity", "entity must be one of: actor, movie, casting")
            })?),
            None => None,
        };
        let action = match self.get("action") {
            Some(v) => Some(Action::parse(v).ok_or_else(|| {
                let all: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
                ApiError::invalid("action", format!("action must be one of: {}", all.join(", ")))
            })?),
            None => None,
        };
        let by = self.get("by").map(str::to_owned);
        if by.as_deref().is_some_and(|b| b.chars().count() > 200 || b.chars().any(char::is_control))
        {
            return Err(ApiError::invalid("by", "by must be a subject of at most 200 characters"));
        }
        let batch = self.get("batch").map(str::to_owned);
        if batch.as_deref().is_some_and(|b| !is_batch_id(b)) {
            return Err(ApiError::invalid("batch", "batch must be a batch id from a change entry"));
        }
        Ok(ChangeQuery {
            entity,
            action,
            by,
            since: self.int("since")?,
            batch,
            page: self.page()?.unwrap_or(Page { page: 1, per_page: DEFAULT_PER_PAGE }),
        })
    }
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::{RefOr, schema::Schema};

    use super::*;

    fn sort_pattern<P: IntoParams>() -> String {
        let sort = P::into_params(|| None).into_iter().find(|p| p.name == "sort").unwrap();
        match sort.schema {
            Some(RefOr::T(Schema::Object(object))) => object.pattern.unwrap(),
            _ => panic!("the sort parameter's schema is not an inline object"),
        }
    }

    fn expected<T>(sorts: &[(&str, T)]) -> String {
        let names: Vec<&str> = sorts.iter().map(|(name, _)| *name).collect();
        format!("^-?({})$", names.join("|"))
    }

    #[test]
    fn documented_sort_patterns_match_the_parser() {
        assert_eq!(sort_pattern::<ActorListParams>(), expected(&ACTOR_SORTS));
        assert_eq!(sort_pattern::<MovieListParams>(), expected(&MOVIE_SORTS));
    }

    #[test]
    fn documented_actions_match_the_parser() {
        let action = ChangeListParams::into_params(|| None)
            .into_iter()
            .find(|p| p.name == "action")
            .unwrap();
        let Some(RefOr::T(Schema::Object(object))) = action.schema else { panic!() };
        let all: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(object.pattern.unwrap(), format!("^({})$", all.join("|")));
    }

    #[test]
    fn documented_batch_pattern_is_the_models() {
        let batch =
            ChangeListParams::into_params(|| None).into_iter().find(|p| p.name == "batch").unwrap();
        let Some(RefOr::T(Schema::Object(object))) = batch.schema else { panic!() };
        assert_eq!(object.pattern.unwrap(), crate::model::journal::BATCH_PATTERN);
        assert!(is_batch_id("k3Jq0d9uT8m2xWv1bYc4Ag"));
        assert!(!is_batch_id("k3Jq0d9uT8m2xWv1bYc4A"));
        assert!(!is_batch_id("k3Jq0d9uT8m2xWv1bYc4A/"));
    }
}
