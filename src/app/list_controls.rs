//! Search, sortable columns and pagination for the list pages, with the state in the URL
//! (`?q=…&sort=-name&page=2`): shareable, and the back button works. Plain links and a GET
//! form, so they work without JavaScript too.

use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

use crate::model::query::{DELETE_PARAM, EDIT_PARAM};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListState {
    pub path: &'static str,
    pub q: String,
    pub sort: Option<String>,
    pub page: i64,
}

/// The web app's order when none is chosen: newest first, so what was just added is on the
/// first page. (The REST API's default stays the seeds' id order.)
pub fn newest_first() -> Option<String> {
    Some("-id".to_owned())
}

/// The row whose editor is open, from the URL (`?edit=7` or `?delete=7`): one at a time, so a
/// page of rows is plain rows and links, and the editor works without JavaScript too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowEditor {
    Edit(i64),
    Delete(i64),
}

/// The open row editor of the current page, read from its URL.
pub fn use_row_editor() -> Memo<Option<RowEditor>> {
    let query = use_query_map();
    Memo::new(move |_| {
        let map = query.read();
        let id = |key: &str| map.get(key).and_then(|v| v.parse::<i64>().ok());
        id(EDIT_PARAM).map(RowEditor::Edit).or_else(|| id(DELETE_PARAM).map(RowEditor::Delete))
    })
}

/// The open row editor named by a raw query string (`?q=x&edit=7`), for code that runs before
/// the router does (see `crate::hydrate`).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn row_editor_in(query: &str) -> Option<RowEditor> {
    let id = |key: &str| {
        query.trim_start_matches('?').split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == key).then(|| v.parse::<i64>().ok()).flatten()
        })
    };
    id(EDIT_PARAM).map(RowEditor::Edit).or_else(|| id(DELETE_PARAM).map(RowEditor::Delete))
}

/// The list state of the page at `path`, read from its URL.
pub fn use_list_state(path: &'static str) -> Memo<ListState> {
    let query = use_query_map();
    Memo::new(move |_| {
        let map = query.read();
        ListState {
            path,
            q: map.get("q").unwrap_or_default(),
            sort: map.get("sort").filter(|s| !s.is_empty()),
            page: map.get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1),
        }
    })
}

impl ListState {
    pub fn href(&self, sort: Option<&str>, page: i64) -> String {
        self.href_with(sort, page, None)
    }

    /// This list (same search, sort and page) with `editor` open, scrolled to its row.
    pub fn editor_href(&self, editor: RowEditor, anchor: &str) -> String {
        format!("{}#{anchor}", self.href_with(self.sort.as_deref(), self.page, Some(editor)))
    }

    /// This list with no editor open.
    pub fn closed_href(&self) -> String {
        self.href(self.sort.as_deref(), self.page)
    }

    fn href_with(&self, sort: Option<&str>, page: i64, editor: Option<RowEditor>) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", encode(&self.q)));
        }
        if let Some(sort) = sort {
            parts.push(format!("sort={}", encode(sort)));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        match editor {
            Some(RowEditor::Edit(id)) => parts.push(format!("{EDIT_PARAM}={id}")),
            Some(RowEditor::Delete(id)) => parts.push(format!("{DELETE_PARAM}={id}")),
            None => {}
        }
        if parts.is_empty() {
            self.path.to_owned()
        } else {
            format!("{}?{}", self.path, parts.join("&"))
        }
    }

    /// Sorting by `column`: ascending first, then it toggles. Back to the first page.
    fn sort_href(&self, column: &str) -> String {
        let next = if self.sort.as_deref() == Some(column) {
            format!("-{column}")
        } else {
            column.to_owned()
        };
        self.href(Some(&next), 1)
    }

    fn aria_sort(&self, column: &str) -> Option<&'static str> {
        match self.sort.as_deref() {
            Some(s) if s == column => Some("ascending"),
            Some(s) if s.strip_prefix('-') == Some(column) => Some("descending"),
            _ => None,
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn SearchBox(state: Memo<ListState>, label: &'static str) -> impl IntoView {
    let path = state.get_untracked().path;
    let q = Memo::new(move |_| state.with(|s| s.q.clone()));
    view! {
        <Form method="GET" action=path attr:class="search" attr:role="search">
            <label for="list-search" class="visually-hidden">{label}</label>
            // Keyed on the search in the URL instead of a `prop:value`: hydration would set the
            // property and erase what someone typed before the WASM arrived. A new search (back,
            // forward, a link) renders a new input with its text.
            {move || view! { <input id="list-search" type="search" name="q" placeholder=label value=q.get() /> }}
            {move || state.get().sort.map(|sort| view! { <input type="hidden" name="sort" value=sort /> })}
            <button class="button secondary" type="submit">"Search"</button>
        </Form>
    }
}

#[component]
pub fn SortHeader(
    state: Memo<ListState>,
    column: &'static str,
    label: &'static str,
) -> impl IntoView {
    let arrow = move || match state.get().aria_sort(column) {
        Some("ascending") => "▲",
        Some(_) => "▼",
        None => "↕",
    };
    // The link's name says what a click does; `aria-sort` says what the order is now.
    let action = move || match state.get().aria_sort(column) {
        Some("ascending") => format!("Sort by {label}, descending"),
        _ => format!("Sort by {label}, ascending"),
    };
    view! {
        <th scope="col" aria-sort=move || state.get().aria_sort(column)>
            <a class="sort" href=move || state.get().sort_href(column) title=action>
                {label}<span class="arrow" aria-hidden="true">{arrow}</span>
            </a>
        </th>
    }
}

#[component]
pub fn Pager(state: Memo<ListState>, page: i64, pages: i64, total: i64) -> impl IntoView {
    let current = state.get_untracked();
    let sort = current.sort.clone();
    let prev = (page > 1).then(|| current.href(sort.as_deref(), page - 1));
    let next = (page < pages).then(|| current.href(sort.as_deref(), page + 1));
    view! {
        <nav class="pager" aria-label="Pages">
            {prev.map(|href| view! { <a class="button secondary" href=href rel="prev">"← Previous"</a> })}
            <span>{format!("Page {page} of {pages} · {total} in all")}</span>
            {next.map(|href| view! { <a class="button secondary" href=href rel="next">"Next →"</a> })}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_row_editor_is_read_from_a_raw_query() {
        assert_eq!(row_editor_in("?q=Ada&edit=7"), Some(RowEditor::Edit(7)));
        assert_eq!(row_editor_in("delete=12&page=2"), Some(RowEditor::Delete(12)));
        assert_eq!(row_editor_in("?q=edit%3D7&reedit=3&edit=x"), None);
        assert_eq!(row_editor_in(""), None);
    }

    #[test]
    fn links_keep_the_search_and_toggle_the_sort() {
        let state =
            ListState { path: "/actors", q: "Ada L".into(), sort: Some("name".into()), page: 3 };
        assert_eq!(state.href(Some("name"), 2), "/actors?q=Ada%20L&sort=name&page=2");
        assert_eq!(state.sort_href("name"), "/actors?q=Ada%20L&sort=-name");
        assert_eq!(state.sort_href("age"), "/actors?q=Ada%20L&sort=age");
        assert_eq!(state.aria_sort("name"), Some("ascending"));
        let plain = ListState { path: "/movies", q: String::new(), sort: None, page: 1 };
        assert_eq!(plain.href(None, 1), "/movies");
        assert_eq!(
            state.editor_href(RowEditor::Edit(7), "actor-7"),
            "/actors?q=Ada%20L&sort=name&page=3&edit=7#actor-7"
        );
        assert_eq!(plain.editor_href(RowEditor::Delete(2), "movie-2"), "/movies?delete=2#movie-2");
        assert_eq!(state.closed_href(), "/actors?q=Ada%20L&sort=name&page=3");
    }
}
