//! Pieces shared by the create/edit forms: field errors next to their field, and the error
//! that belongs to no field.

use leptos::prelude::*;

use crate::{app::messages::human, model::AppError};

/// The error of the last submission, if it failed.
pub fn last_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// The form's error now, tracked; `None` once the form is gone. A form whose code is loaded on
/// demand (a row editor, built after its chunk arrives) is built under another owner than its
/// error signal: when a save closes the editor, the effects showing the error can run once more
/// after the signal was disposed, and must then show nothing rather than panic.
pub fn current_error(error: Signal<Option<AppError>>) -> Option<AppError> {
    error.try_get().flatten()
}

/// A labelled input with its error message underneath (and `aria-invalid` when it has one).
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(into)] id: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(into, optional)] value: String,
    #[prop(optional)] required: bool,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] max_length: Option<usize>,
    #[prop(optional)] min: Option<i64>,
    #[prop(optional)] max: Option<i64>,
    /// Focus on first paint: the field an editor that was just opened starts in.
    #[prop(optional)]
    autofocus: bool,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = move || {
        current_error(error).filter(|e| e.field.as_deref() == Some(name)).map(|e| human(&e))
    };
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                required=required
                placeholder=placeholder
                maxlength=max_length.map(|n| n.to_string())
                min=min.map(|n| n.to_string())
                max=max.map(|n| n.to_string())
                autofocus=autofocus
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=error_id.clone()
            />
            <p class="field-error" id=error_id role="alert">{message}</p>
        </div>
    }
}

/// An error of the last submission that is not about one of the form's fields (`fields`),
/// nor a conflict (which `conflict::conflict_message` shows, with the current values).
#[component]
pub fn FormError(
    error: Signal<Option<AppError>>,
    #[prop(optional)] fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        current_error(error)
            .filter(|e| e.field.as_deref().is_none_or(|f| !fields.contains(&f)))
            .filter(|e| !e.is_conflict())
            .map(|e| view! { <p class="error" role="alert">{human(&e)}</p> })
    }
}
