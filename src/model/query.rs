//! What a list request asks for: search, filters, sort and paging. Shared so the web app can
//! build the same requests the REST API takes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Largest page a client may ask for.
pub const MAX_PER_PAGE: i64 = 100;
/// Without paging, a list returns at most this many rows (the total is still reported).
pub const LIST_CAP: i64 = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Page {
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

impl Page {
    /// Rows before this page. Saturates: a page far past the end is simply empty, never an
    /// overflow (`?page=9223372036854775807` must not crash the server).
    pub fn offset(self) -> i64 {
        self.page.saturating_sub(1).saturating_mul(self.per_page)
    }

    /// `LIMIT`/`OFFSET` for a list request: the page asked for, else the first [`LIST_CAP`].
    pub fn limit_offset(page: Option<Page>) -> (i64, i64) {
        match page {
            Some(page) => (page.per_page, page.offset()),
            None => (LIST_CAP, 0),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActorSort {
    #[default]
    Id,
    Name,
    Age,
    Gender,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActorQuery {
    /// Case-insensitive substring of the name.
    pub q: Option<String>,
    /// Case-insensitive equality.
    pub gender: Option<String>,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    pub sort: ActorSort,
    pub descending: bool,
    pub page: Option<Page>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MovieSort {
    #[default]
    Id,
    Title,
    ReleaseDate,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MovieQuery {
    /// Case-insensitive substring of the title.
    pub q: Option<String>,
    /// Inclusive bounds.
    pub released_after: Option<DateTime<Utc>>,
    pub released_before: Option<DateTime<Utc>>,
    pub sort: MovieSort,
    pub descending: bool,
    pub page: Option<Page>,
}

/// The `sort` values of each list (the REST API's documented `pattern`s say the same; a test
/// checks). One source for the REST query string and the web app's controls.
pub const ACTOR_SORTS: [(&str, ActorSort); 4] = [
    ("id", ActorSort::Id),
    ("name", ActorSort::Name),
    ("age", ActorSort::Age),
    ("gender", ActorSort::Gender),
];
pub const MOVIE_SORTS: [(&str, MovieSort); 3] =
    [("id", MovieSort::Id), ("title", MovieSort::Title), ("release_date", MovieSort::ReleaseDate)];

/// `name` or `-name` (descending), among `columns`: the column and whether it is descending.
/// `Err` is the message that names the accepted values.
pub fn parse_sort<T: Copy>(raw: &str, columns: &[(&str, T)]) -> Result<(T, bool), String> {
    let (name, descending) = match raw.strip_prefix('-') {
        Some(name) => (name, true),
        None => (raw, false),
    };
    columns.iter().find(|(n, _)| *n == name).map(|(_, c)| (*c, descending)).ok_or_else(|| {
        let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
        format!("sort must be one of {} (prefix - for descending)", names.join(", "))
    })
}

/// One page of a list, as the web app shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    /// Every match, on all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> ListPage<T> {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// Page size of the web app's lists.
pub const UI_PER_PAGE: i64 = 20;

/// The web app's list URL parameters that open a row's editor (`?edit=7`) or its delete
/// confirmation (`?delete=7`); a form that succeeded closes them (without JavaScript, the
/// server's redirect drops them).
pub const EDIT_PARAM: &str = "edit";
pub const DELETE_PARAM: &str = "delete";
