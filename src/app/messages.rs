//! The words the web app shows for an error. The REST API's messages are written for
//! developers (`name must not be empty`); a person gets full sentences in their own terms, and
//! is told whether the fault is theirs, the network's or the server's.

use crate::model::{AGE_RANGE, AppError, MAX_GENDER_CHARS, MAX_NAME_CHARS, dates};

/// How a form field is called on screen.
fn label(field: &str) -> Option<&'static str> {
    Some(match field {
        "name" => "Name",
        "age" => "Age",
        "gender" => "Gender",
        "title" => "Title",
        "release_date" => "Release date",
        "character" => "Character",
        "actor_id" => "Actor",
        "q" => "The search",
        _ => return None,
    })
}

fn max_chars(field: &str) -> usize {
    if field == "gender" { MAX_GENDER_CHARS } else { MAX_NAME_CHARS }
}

/// The sentence shown for `err`.
pub fn human(err: &AppError) -> String {
    if let Some(field) = err.field.as_deref()
        && let Some(label) = label(field)
    {
        return field_message(field, label, err);
    }
    match err.status {
        401 => "Your session has ended. Sign in again to continue.".to_owned(),
        403 => "Your role does not allow this.".to_owned(),
        404 => "This record no longer exists; someone may have deleted it.".to_owned(),
        412 => {
            "Someone else changed this record while you had it open; nothing was saved.".to_owned()
        }
        413 => "That is more than the server accepts in one go.".to_owned(),
        429 => "Too many attempts in a short time. Wait a moment and try again.".to_owned(),
        503 if err.code == "network" && offline() => {
            "You are offline. What you entered is still here; try again once you are back online."
                .to_owned()
        }
        503 if err.code == "network" => {
            "The server could not be reached. What you entered is still here; try again.".to_owned()
        }
        s if s >= 500 => {
            "The server could not save this. What you entered is still here; try again in a moment."
                .to_owned()
        }
        _ => sentence(&err.message),
    }
}

fn field_message(field: &str, label: &str, err: &AppError) -> String {
    match (field, err.code.as_str()) {
        ("actor_id", "required") => "Choose an actor to cast.".to_owned(),
        (_, "required") => format!("{label} can't be empty."),
        (_, "too_long") => format!("{label} can be at most {} characters.", max_chars(field)),
        ("age", _) => {
            format!("Age must be a whole number from {} to {}.", AGE_RANGE.start(), AGE_RANGE.end())
        }
        ("release_date", "out_of_range") => format!(
            "Release date must be between the years {} and {}.",
            dates::YEAR_RANGE.start(),
            dates::YEAR_RANGE.end()
        ),
        ("release_date", _) => {
            "Release date must be a date, such as 2024-12-23, or left empty if not yet known."
                .to_owned()
        }
        (_, _) if err.message.contains("control characters") => {
            format!("{label} can't contain control characters such as tabs or line breaks.")
        }
        // Messages written for people already (an actor already cast, say).
        _ => sentence(&err.message),
    }
}

/// Capitalised, with a full stop.
fn sentence(message: &str) -> String {
    let mut chars = message.trim().chars();
    let Some(first) = chars.next() else { return "Something went wrong. Try again.".to_owned() };
    let mut text: String = first.to_uppercase().chain(chars).collect();
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

/// Whether the browser knows it has no network (never on the server).
fn offline() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().is_some_and(|w| !w.navigator().on_line())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_read_as_sentences_about_the_field() {
        let empty = AppError::field_error("name", "required", "name must not be empty");
        assert_eq!(human(&empty), "Name can't be empty.");
        let long =
            AppError::field_error("gender", "too_long", "gender must be at most 50 characters");
        assert_eq!(human(&long), "Gender can be at most 50 characters.");
        let age = AppError::field_error("age", "invalid_field", "age must be a whole number");
        assert_eq!(human(&age), "Age must be a whole number from 0 to 150.");
        let pick = AppError::field_error("actor_id", "required", "choose an actor to cast");
        assert_eq!(human(&pick), "Choose an actor to cast.");
    }

    #[test]
    fn server_and_network_failures_are_not_blamed_on_the_person() {
        let internal = AppError::new(500, "internal_error", "internal server error");
        assert!(human(&internal).starts_with("The server could not save this."));
        let proxy = AppError::new(502, "bad_gateway", "x");
        assert!(human(&proxy).starts_with("The server could not save this."));
        let network = AppError::new(503, "network", "x");
        assert!(human(&network).starts_with("The server could not be reached."));
        let other = AppError::new(409, "conflict", "already there");
        assert_eq!(human(&other), "Already there.");
    }
}
