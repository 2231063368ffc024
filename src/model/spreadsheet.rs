//! Spreadsheets in and out: the columns each kind is exported and imported with, the limits of
//! an import and of a bulk action, and the report an import answers with. Shared, so the web
//! app's import page states the same limits the server enforces.

use serde::{Deserialize, Serialize};

/// Most data rows one import may hold (422 beyond, before any row is checked).
pub const IMPORT_MAX_ROWS: usize = 10_000;
/// Largest import body by default, in bytes (`IMPORT_MAX_BYTES` changes it; 413 beyond).
pub const IMPORT_DEFAULT_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Most ids one bulk delete or restore may name.
pub const BULK_MAX_IDS: usize = 1_000;
/// How many valid rows an import report shows back, for a person to check the columns.
pub const PREVIEW_ROWS: usize = 10;

/// The columns an export writes, in order; an import reads the same names (any order, any
/// case) and ignores `id`, which the database assigns.
pub const ACTOR_COLUMNS: [&str; 4] = ["id", "name", "age", "gender"];
pub const MOVIE_COLUMNS: [&str; 3] = ["id", "title", "release_date"];
/// A cast's export.
pub const CAST_COLUMNS: [&str; 3] = ["actor_id", "name", "character"];

/// One problem with an import: the spreadsheet's row (the header is row 1, so the first data
/// row is row 2, as a spreadsheet numbers them) and the column, when it is about one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RowProblem {
    #[cfg_attr(feature = "ssr", schema(example = 7))]
    pub row: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(example = "age"))]
    pub column: Option<String>,
    #[cfg_attr(feature = "ssr", schema(example = "age must be a whole number from 0 to 150"))]
    pub message: String,
}

/// What an import found and did. With any problem nothing was written (all or nothing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// `true` when nothing was to be written (`?dry_run=true`).
    pub dry_run: bool,
    /// Data rows read (the header not counted).
    pub rows: usize,
    /// The new records' ids, in the file's order (empty on a dry run or with problems).
    pub created: Vec<i64>,
    /// Every problem found, in row order.
    pub problems: Vec<RowProblem>,
    /// Columns read but not imported: unknown names, and `id` (the database assigns ids).
    pub ignored_columns: Vec<String>,
    /// The columns imported, in the order [`ImportReport::preview`] gives them.
    pub columns: Vec<String>,
    /// The first valid rows as they will be (or were) stored, for a person to check.
    pub preview: Vec<Vec<String>>,
    /// The import's changes in the journal share this batch: `POST
    /// /changes/batches/{batch}/undo` moves every imported record to the trash at once (absent when nothing was written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(nullable = false, example = "k3Jq0d9uT8m2xWv1bYc4Ag"))]
    pub batch: Option<String>,
}

impl ImportReport {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What a bulk delete or restore names: the ids, and optionally the version each must still be
/// at (`If-Match`'s rule, per id: 412 if any has changed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BulkIds {
    #[cfg_attr(feature = "ssr", schema(min_items = 1, max_items = 1000, example = json!([3, 7])))]
    pub ids: Vec<i64>,
    /// Id (as a string, JSON keys being strings) → the version the caller last saw.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    #[cfg_attr(feature = "ssr", schema(example = json!({"3": 2})))]
    pub versions: std::collections::BTreeMap<String, i64>,
}

/// A release date as a spreadsheet cell: `YYYY-MM-DD` at midnight UTC (what people type),
/// otherwise the full RFC 3339 instant, so an export imports back to the same instant.
pub fn date_cell(date: &chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    if date.num_seconds_from_midnight() == 0 && date.nanosecond() == 0 {
        date.format("%Y-%m-%d").to_string()
    } else {
        date.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

/// Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as exported: one that a spreadsheet would run as a formula gets a leading `'`, which
/// spreadsheets show as text. So that an export imports back unchanged, a cell that already
/// starts with `'`s before such a character gets one more, and [`from_cell`] takes one away.
pub fn to_cell(value: &str) -> std::borrow::Cow<'_, str> {
    let rest = value.trim_start_matches('\'');
    if rest.starts_with(FORMULA_STARTS) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// The inverse of [`to_cell`].
pub fn from_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_come_back_unchanged() {
        for (value, cell) in [
            ("=1+1", "'=1+1"),
            ("+33 1 23", "'+33 1 23"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("Ann", "Ann"),
            ("'Ann", "'Ann"),
            ("", ""),
            ("O'Hara", "O'Hara"),
        ] {
            assert_eq!(to_cell(value), cell, "{value:?}");
            assert_eq!(from_cell(cell), value, "{cell:?}");
        }
    }
}
