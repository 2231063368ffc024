//! Lost-update protection in the editors. Every edit and delete form sends the version of the
//! record it showed; when someone else changed the record in the meantime the server refuses
//! (412) and sends the record as it is now. The person is then told so in plain words, sees
//! the current values, and chooses: apply their edit over it (the form now carries the current
//! version, and still holds what they typed) or discard it. Without JavaScript the same comes
//! back in the redirected page, with what they typed (`AppError::submitted`).

use std::collections::HashMap;

use leptos::prelude::*;

use crate::{
    app::forms::current_error,
    model::{Actor, AppError, Movie, dates},
};

/// A record the conflict message can describe.
pub trait Versioned: serde::de::DeserializeOwned {
    /// "this actor", for the message.
    const WHAT: &'static str;
    fn version(&self) -> i64;
    /// Its current values, for people.
    fn describe(&self) -> String;
}

impl Versioned for Actor {
    const WHAT: &'static str = "actor";
    fn version(&self) -> i64 {
        self.version
    }
    fn describe(&self) -> String {
        format!("name “{}”, age {}, gender “{}”", self.name, self.age, self.gender)
    }
}

impl Versioned for Movie {
    const WHAT: &'static str = "movie";
    fn version(&self) -> i64 {
        self.version
    }
    fn describe(&self) -> String {
        let date = match self.release_date {
            Some(_) => format!("released {}", dates::to_display(&self.release_date)),
            None => "no release date yet".to_owned(),
        };
        format!("title “{}”, {date}", self.title)
    }
}

/// The current record of a conflict (`None` for any other error, or none).
pub fn current<T: Versioned>(error: Option<AppError>) -> Option<T> {
    let error = error.filter(AppError::is_conflict)?;
    error.current?.read()
}

/// The version a form should send: the one it showed, or after a conflict the current one
/// (so "apply my changes" applies them over what is there now).
pub fn version_to_send<T: Versioned>(
    shown: i64,
    error: Signal<Option<AppError>>,
) -> impl Fn() -> String + Send + Sync + Clone + 'static {
    move || current::<T>(current_error(error)).map_or(shown, |c| c.version()).to_string()
}

/// What the person had typed into `field`, given back with a conflict on a page rendered
/// without JavaScript; `None` otherwise (the form still holds it).
pub fn submitted(error: &Option<AppError>, field: &str) -> Option<String> {
    let error = error.as_ref().filter(|e| e.is_conflict())?;
    // The values are the form's fields: each a string, or null when the form did not send it.
    let mut values = error.submitted.as_ref()?.read::<HashMap<String, Option<String>>>()?;
    values.remove(field)?
}

/// "Someone else changed this actor…", the current values, and how to go on; nothing unless
/// `error` is a conflict. `deleting`: the form is a delete confirmation, not an editor.
pub fn conflict_message<T: Versioned + 'static>(
    error: Signal<Option<AppError>>,
    discard_href: Signal<String>,
    on_discard: Callback<()>,
    deleting: bool,
) -> impl IntoView {
    move || {
        current::<T>(current_error(error)).map(|now| {
            let what = T::WHAT;
            let (lead, next) = if deleting {
                (
                    format!("Someone else changed this {what} after you opened it."),
                    "Confirm to delete it anyway, or cancel to keep it.",
                )
            } else {
                (
                    format!("Someone else changed this {what} while you were editing it."),
                    "Your changes are still in the form: save again to apply them over theirs, or discard yours.",
                )
            };
            view! {
                <div class="conflict" role="alert">
                    <p><strong>{lead}</strong> " It now has " {now.describe()} "."</p>
                    <p>{next}</p>
                    {(!deleting).then(|| view! {
                        <a class="button secondary" href=move || discard_href.get() data-noscroll=""
                            on:click=move |_| on_discard.run(())>"Discard my changes"</a>
                    })}
                </div>
            }
        })
    }
}
