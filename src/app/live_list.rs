//! A list page kept live: others' changes of its kind reload it (rows appear, update in place,
//! disappear), except while a row's editor or delete confirmation is open, when they wait
//! until it closes (a save against a stale row is then a conflict, handled by `conflict`).
//! Records others add that the reloaded page does not show (a search, another page) are
//! announced with a link instead of silently missing.

use std::sync::Arc;

use leptos::prelude::*;

use super::{
    list_controls::use_row_editor,
    live::{LiveMessage, StreamChange, reload_on, use_live},
    notices::{Notices, use_notices},
};

/// What a list shows: its journal entity, its path, the field that names a record, and the
/// words for one and several.
#[derive(Clone, Copy)]
pub struct ListKind {
    pub entity: &'static str,
    pub path: &'static str,
    pub label_field: &'static str,
    pub one: &'static str,
    pub many: &'static str,
}

/// A record someone else added (or restored), not yet known to be in view.
#[derive(Clone)]
struct Arrival {
    /// The first load (value of the page's `changed` counter) that can show it.
    load: u32,
    change: Arc<StreamChange>,
}

#[derive(Clone, Copy)]
pub struct LiveList {
    kind: ListKind,
    notices: Notices,
    arrived: StoredValue<Vec<Arrival>>,
    /// The newest load that has finished.
    loaded: StoredValue<u32>,
    /// Changes held back while an editor is open.
    pub waiting: RwSignal<u32>,
}

impl LiveList {
    /// Follows `kind`'s changes for the calling page, reloading it through `changed`.
    pub fn follow(kind: ListKind, changed: RwSignal<u32>) -> LiveList {
        let list = LiveList {
            kind,
            notices: use_notices(),
            arrived: StoredValue::new(Vec::new()),
            loaded: StoredValue::new(0),
            waiting: RwSignal::new(0),
        };
        let editor = use_row_editor();
        let session = super::use_session();
        // Who is signed in, copied out of the session resource by an effect (a resource read
        // outside a Suspense or an effect would upset hydration).
        let me = StoredValue::new(None::<String>);
        Effect::new(move |_| {
            if let Some(Ok(s)) = session.get() {
                me.set_value(s.user.map(|u| u.subject));
            }
        });
        // A casting moves the versions of the records in it: reload those too, so that an edit
        // is made against the current version.
        let concerns = move |message: &LiveMessage| {
            message.concerns(kind.entity) || message.concerns("casting")
        };
        use_live().subscribe(move |message| {
            if !concerns(message) {
                return;
            }
            // This person's own changes have their own notices (with an Undo or a link), and
            // are not "changes by others" waiting for their editor.
            let mine = match message {
                LiveMessage::Change(change) => {
                    me.with_value(|me| me.as_deref() == Some(change.by.sub.as_str()))
                }
                LiveMessage::Resync => false,
            };
            if let LiveMessage::Change(change) = message
                && matches!(change.action.as_str(), "create" | "restore")
                && !mine
            {
                let load = changed.get_untracked() + 1;
                let change = change.clone();
                list.arrived.update_value(|all| all.push(Arrival { load, change }));
            }
            if editor.get_untracked().is_some() && !mine {
                list.waiting.update(|n| *n += 1);
            }
        });
        reload_on(concerns, move || editor.get_untracked().is_some(), changed);
        // The editor closed: what waited is being reloaded.
        Effect::new(move |_| {
            if editor.get().is_none() {
                list.waiting.set(0);
            }
        });
        list
    }

    /// The page's loader calls this when the load for `changed == n` has finished.
    pub fn finished_load(self, n: u32) {
        self.loaded.set_value(n);
    }

    /// What the page shows now (`ids`): arrivals its latest load could have shown but does
    /// not are announced, with a link to the record (one) or to the unfiltered list (several).
    pub fn shown(self, ids: &[i64]) {
        let loaded = self.loaded.get_value();
        let mut unseen = Vec::new();
        self.arrived.update_value(|all| {
            all.retain(|a| {
                if a.load > loaded {
                    return true;
                }
                if !ids.contains(&a.change.entity_id) {
                    unseen.push(a.change.clone());
                }
                false
            });
        });
        if !unseen.is_empty() {
            leptos::task::spawn_local(announce(self.kind, self.notices, unseen));
        }
    }

    /// A line above the list while changes wait for the open editor to close.
    pub fn waiting_note(self) -> impl IntoView {
        move || {
            let n = self.waiting.get();
            (n > 0).then(|| {
                let what = if n == 1 { "1 change".to_owned() } else { format!("{n} changes") };
                view! {
                    <p class="live-waiting" aria-live="polite">
                        {format!("{what} by others will show when you close the editor.")}
                    </p>
                }
            })
        }
    }
}

/// Says that records others added are not in view (`#[lazy]`: its code, which reads the new
/// records' names from the stream's JSON, loads when there is something to say).
#[leptos::lazy]
fn announce(kind: ListKind, notices: Notices, unseen: Vec<Arc<StreamChange>>) {
    match unseen.as_slice() {
        [] => {}
        [one] => {
            let label = one.after_text(kind.label_field).unwrap_or_default();
            notices.say_with_link(
                format!("New {}: “{label}”, not in this view.", kind.one),
                format!("{}/{}", kind.path, one.entity_id),
                format!("Open {label}"),
            )
        }
        several => notices.say_with_link(
            format!("{} new {}, not in this view.", several.len(), kind.many),
            kind.path.to_owned(),
            format!("Show all {}", kind.many),
        ),
    }
}
