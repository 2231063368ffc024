//! Success notices: one polite live region for the whole app, so every create, edit, delete
//! and casting says what happened, even when the changed row is not in view (a filtered list,
//! another page). Screen readers announce the region's new text; it stays until the next
//! notice, a dismissal, or a move to another page.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::app::suspended::on_demand;

/// What happened, and where to see it when the list on screen may not show it; or a button
/// that takes it back (a delete's Undo).
#[derive(Clone)]
pub struct Notice {
    pub text: String,
    pub link: Option<(String, String)>,
    /// Plain shared closure rather than a `Callback`: a callback is owned by the component
    /// that made it (the list), which a reload replaces while the notice is still showing.
    pub undo: Option<Undo>,
}

pub type Undo = std::sync::Arc<dyn Fn() + Send + Sync>;

#[derive(Clone, Copy)]
pub struct Notices(RwSignal<Option<Notice>>);

impl Notices {
    pub fn say(self, text: impl Into<String>) {
        self.0.set(Some(Notice { text: text.into(), link: None, undo: None }));
    }

    /// A notice with an Undo button that runs `undo` (which gives its own notice).
    pub fn say_with_undo(self, text: impl Into<String>, undo: Undo) {
        self.0.set(Some(Notice { text: text.into(), link: None, undo: Some(undo) }));
    }

    /// A notice with a link (`href`, link text) to the record it is about.
    pub fn say_with_link(self, text: impl Into<String>, href: String, label: String) {
        self.0.set(Some(Notice { text: text.into(), link: Some((href, label)), undo: None }));
    }
}

pub fn provide_notices() {
    provide_context(Notices(RwSignal::new(None)));
}

pub fn use_notices() -> Notices {
    expect_context::<Notices>()
}

/// The live region. Always in the page (empty when there is nothing to say): a region that
/// appears together with its text is not announced by every screen reader.
#[component]
pub fn NoticeRegion() -> impl IntoView {
    let Notices(notice) = use_notices();
    // A notice belongs to the page it was given on.
    let path = use_location().pathname;
    Effect::new(move |previous: Option<String>| {
        let now = path.get();
        if previous.is_some_and(|p| p != now) {
            notice.set(None);
        }
        now
    });
    // An Undo takes the focus: the row it is about has just gone, and with it the focus.
    let undo_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = undo_button.get() {
            // After the frame: the button must be in the document to take the focus, and the
            // closing editor must not take it back.
            request_animation_frame(move || {
                let _ = button.focus();
            });
        }
    });
    view! {
        <div class="toast-region" role="status" aria-live="polite">
            {move || notice.get().map(|n| on_demand("", toast(n, notice, undo_button)))}
        </div>
    }
}

/// A notice as shown (`#[lazy]`: its code loads with the first notice, which only ever
/// follows something the person did).
#[leptos::lazy]
fn toast(
    n: Notice,
    notice: RwSignal<Option<Notice>>,
    undo_button: NodeRef<leptos::html::Button>,
) -> AnyView {
    view! {
        <div class="toast">
            <span>{n.text}</span>
            {n.link.map(|(href, label)| view! { <a href=href>{label}</a> })}
            {n.undo.map(|undo| view! {
                <button class="button secondary toast-undo" type="button" node_ref=undo_button
                    on:click=move |_| undo()>"Undo"</button>
            })}
            <button class="toast-close" type="button" aria-label="Dismiss" on:click=move |_| notice.set(None)>
                "×"
            </button>
        </div>
    }
    .into_any()
}
