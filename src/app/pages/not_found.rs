//! Pages for what could not be shown: an address with nothing at it, a record that does not
//! exist, and a page whose data failed to load. Each answers with the right HTTP status.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::model::AppError;

/// Sets the HTTP status of the page being rendered on the server (no-op in the browser).
fn set_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(status))
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Not found" />
        <section class="notice">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. " <a href="/">"Go to the home page"</a> "."</p>
        </section>
    }
}

/// A record that does not exist (or no longer does): 404, with the way back to its list.
#[component]
pub fn RecordNotFound(
    /// "actor" or "movie".
    what: &'static str,
    /// The list to go back to.
    back: &'static str,
) -> impl IntoView {
    set_status(404);
    view! {
        <Title text=format!("No such {what}") />
        <section class="notice">
            <h1>{format!("No such {what}")}</h1>
            <p>
                {format!("This {what} does not exist, or was deleted. ")}
                <a href=back>{format!("See all {what}s")}</a> "."
            </p>
        </section>
    }
}

/// A page whose data could not be loaded: the error's status (403, 503, 500…) and a message in
/// the person's terms.
#[component]
pub fn LoadFailed(error: AppError) -> impl IntoView {
    set_status(error.status);
    let message = match error.status {
        403 => "Your role does not allow you to see this.".to_owned(),
        500.. => "The server could not load this page. Please try again in a moment.".to_owned(),
        _ => error.message,
    };
    view! { <p class="error" role="alert">{message}</p> }
}
