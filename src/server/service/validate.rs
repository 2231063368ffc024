//! Field rules shared by every way in (REST and server functions).

use chrono::{DateTime, Datelike, Utc};

use crate::{
    model::{
        AGE_RANGE, MAX_GENDER_CHARS, MAX_NAME_CHARS, dates,
        query::{MAX_PER_PAGE, Page},
    },
    server::ApiError,
};

/// Trimmed, non-empty, at most `max` characters, no control characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ApiError::validation(field, "required", format!("{field} must not be empty")));
    }
    if trimmed.chars().count() > max {
        return Err(ApiError::validation(
            field,
            "too_long",
            format!("{field} must be at most {max} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

pub fn name(field: &str, value: &str) -> Result<String, ApiError> {
    text(field, value, MAX_NAME_CHARS)
}

pub fn gender(value: &str) -> Result<String, ApiError> {
    text("gender", value, MAX_GENDER_CHARS)
}

pub fn age(value: i64) -> Result<i64, ApiError> {
    if AGE_RANGE.contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::validation(
            "age",
            "out_of_range",
            format!("age must be a whole number from {} to {}", AGE_RANGE.start(), AGE_RANGE.end()),
        ))
    }
}

/// Within the years every stored date can be rendered and sorted in (see `dates`).
pub fn release_date(value: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    if dates::YEAR_RANGE.contains(&value.year()) {
        Ok(value)
    } else {
        Err(ApiError::validation(
            "release_date",
            "out_of_range",
            format!(
                "release_date must be between the years {} and {}",
                dates::YEAR_RANGE.start(),
                dates::YEAR_RANGE.end()
            ),
        ))
    }
}

pub fn not_empty(is_empty: bool) -> Result<(), ApiError> {
    if is_empty {
        Err(ApiError::validation("body", "empty_patch", "the update names no field to change"))
    } else {
        Ok(())
    }
}

/// Paging and search rules shared by every list.
pub fn page(page: Option<Page>) -> Result<Option<Page>, ApiError> {
    let Some(page) = page else { return Ok(None) };
    if page.page < 1 {
        return Err(ApiError::validation("page", "out_of_range", "page must be 1 or more"));
    }
    if !(1..=MAX_PER_PAGE).contains(&page.per_page) {
        return Err(ApiError::validation(
            "per_page",
            "out_of_range",
            format!("per_page must be from 1 to {MAX_PER_PAGE}"),
        ));
    }
    Ok(Some(page))
}

/// `None` for an empty search; too long a search is refused.
pub fn search(q: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(q) = q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()) else { return Ok(None) };
    if q.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::validation(
            "q",
            "too_long",
            format!("q must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    // A NUL cannot even be sent to PostgreSQL (error 22021, a 500 before this check), and no
    // stored text holds control characters, so such a search is refused like such a body.
    if q.chars().any(char::is_control) {
        return Err(ApiError::invalid("q", "q must not contain control characters"));
    }
    Ok(Some(q))
}

/// A `sort` value (`name` or `-name`) among `columns`, or `default` ascending when none (or an
/// empty one) is given. The one rule for the REST query string and the web app's controls.
pub fn sort<T: Copy>(
    raw: Option<&str>,
    columns: &[(&str, T)],
    default: T,
) -> Result<(T, bool), ApiError> {
    match raw.filter(|raw| !raw.is_empty()) {
        None => Ok((default, false)),
        Some(raw) => crate::model::query::parse_sort(raw, columns)
            .map_err(|message| ApiError::invalid("sort", message)),
    }
}

/// `low` must not exceed `high`; the error names `low_name`.
pub fn ordered<T: PartialOrd>(
    low: Option<T>,
    high: Option<T>,
    low_name: &str,
    high_name: &str,
) -> Result<(), ApiError> {
    match (low, high) {
        (Some(low), Some(high)) if low > high => Err(ApiError::validation(
            low_name,
            "out_of_range",
            format!("{low_name} must not be after {high_name}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(name("name", "  Ada  ").unwrap(), "Ada");
        assert!(name("name", "   ").is_err());
        assert!(name("name", &"x".repeat(201)).is_err());
        assert!(name("name", &"é".repeat(200)).is_ok());
        assert!(name("name", "a\u{0}b").is_err());
    }

    #[test]
    fn searches_refuse_control_characters() {
        assert!(search(Some("a\u{0}".into())).is_err());
        assert!(search(Some("a\tb".into())).is_err());
        assert_eq!(search(Some(" Émile ".into())).unwrap().as_deref(), Some("Émile"));
    }

    #[test]
    fn age_bounds_are_inclusive() {
        assert!(age(0).is_ok() && age(150).is_ok());
        assert!(age(-1).is_err() && age(151).is_err());
    }
}
