//! Selecting rows of a list for one action on all of them: a checkbox per row and one for the
//! page, "select all matching" (the whole search, up to the bulk limit), and Delete selected,
//! confirmed, with one Undo for the batch. Checkboxes need JavaScript: they render disabled
//! until the page is live.

use std::collections::BTreeSet;

use leptos::{lazy, prelude::*};

use crate::{
    app::{list_controls::ListState, messages::human, notices::use_notices},
    model::spreadsheet::BULK_MAX_IDS,
    rpc::bulk::{delete_many, matching_ids, restore_many},
};

/// The selection of one list page.
#[derive(Clone, Copy)]
pub struct Selection {
    ids: RwSignal<BTreeSet<i64>>,
    /// The ids of the rows on this page.
    shown: RwSignal<Vec<i64>>,
    live: RwSignal<bool>,
    /// `actor` or `movie`.
    kind: &'static str,
    many: &'static str,
}

impl Selection {
    pub fn new(kind: &'static str, many: &'static str) -> Selection {
        let live = RwSignal::new(false);
        Effect::new(move |_| live.set(true));
        Selection {
            ids: RwSignal::new(BTreeSet::new()),
            shown: RwSignal::new(Vec::new()),
            live,
            kind,
            many,
        }
    }

    /// The rows now on the page (a reload changes them; the selection stays).
    pub fn showing(self, ids: Vec<i64>) {
        self.shown.set(ids);
    }

    fn toggle(self, id: i64, on: bool) {
        self.ids.update(|ids| {
            if on {
                ids.insert(id);
            } else {
                ids.remove(&id);
            }
        });
    }

    fn count(self) -> usize {
        self.ids.with(BTreeSet::len)
    }

    fn noun(self, n: usize) -> String {
        let one = self.kind;
        format!("{n} {}", if n == 1 { one } else { self.many })
    }
}

/// A row's checkbox.
#[component]
pub fn SelectRow(selection: Selection, id: i64, label: String) -> impl IntoView {
    view! {
        <td class="select">
            <input type="checkbox" aria-label=format!("Select {label}")
                disabled=move || !selection.live.get()
                prop:checked=move || selection.ids.with(|ids| ids.contains(&id))
                on:change=move |ev| selection.toggle(id, event_target_checked(&ev)) />
        </td>
    }
}

/// The header's checkbox: every row on this page.
#[component]
pub fn SelectPage(selection: Selection) -> impl IntoView {
    let all = move || {
        selection.shown.with(|shown| {
            !shown.is_empty() && selection.ids.with(|ids| shown.iter().all(|id| ids.contains(id)))
        })
    };
    view! {
        <th scope="col" class="select">
            <input type="checkbox" aria-label="Select every row on this page"
                disabled=move || !selection.live.get()
                prop:checked=all
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    let shown = selection.shown.get_untracked();
                    selection.ids.update(|ids| for id in shown {
                        if on { ids.insert(id); } else { ids.remove(&id); }
                    });
                } />
        </th>
    }
}

/// What to do with the selection; shown while anything is selected.
#[component]
pub fn BulkBar(
    selection: Selection,
    state: Memo<ListState>,
    total: i64,
    changed: RwSignal<u32>,
) -> impl IntoView {
    view! {
        <Show when=move || { selection.count() > 0 }>
            {move || Suspend::new(bulk_bar(selection, state, total, changed))}
        </Show>
    }
}

/// The bar itself, in a chunk of its own that the browser loads when a first row is selected
/// (`cargo leptos --split`): a selection takes JavaScript, so no page is ever rendered with
/// the bar, and a visit that selects nothing never needs its code.
#[lazy]
fn bulk_bar(
    selection: Selection,
    state: Memo<ListState>,
    total: i64,
    changed: RwSignal<u32>,
) -> AnyView {
    let notices = use_notices();
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let kind = selection.kind;
    let select_matching = move |_| {
        let state = state.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let q = Some(state.q).filter(|q| !q.is_empty());
            match matching_ids(kind.to_owned(), q, state.sort).await {
                Ok((ids, total)) => {
                    let n = ids.len();
                    selection.ids.set(ids.into_iter().collect());
                    if (n as i64) < total {
                        error.set(Some(format!(
                            "Selected the first {n} of {total}: at most {BULK_MAX_IDS} at once."
                        )));
                    }
                }
                Err(err) => error.set(Some(human(&err))),
            }
            busy.set(false);
        });
    };
    let delete = move |_| {
        let ids: Vec<i64> = selection.ids.get_untracked().into_iter().collect();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match delete_many(kind.to_owned(), ids).await {
                Ok(gone) => {
                    let what = selection.noun(gone.len());
                    let undo = undo(selection, gone, changed);
                    notices.say_with_undo(format!("Deleted {what}."), undo);
                    selection.ids.set(BTreeSet::new());
                    confirming.set(false);
                    error.set(None);
                    changed.update(|n| *n += 1);
                }
                Err(err) => error.set(Some(format!("Nothing was deleted. {}", human(&err)))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="bulk-bar" role="region" aria-label="Selected rows">
            <p class="bulk-count" aria-live="polite">
                {move || format!("{} selected", selection.noun(selection.count()))}
            </p>
            {move || (!confirming.get()).then(|| view! {
                {(total > selection.count() as i64).then(|| view! {
                    <button class="button secondary" type="button" disabled=busy on:click=select_matching>
                        {format!("Select all {total} matching")}
                    </button>
                })}
                <button class="button danger" type="button" on:click=move |_| confirming.set(true)>
                    "Delete selected…"
                </button>
                <button class="button secondary" type="button"
                    on:click=move |_| { selection.ids.set(BTreeSet::new()); error.set(None); }>
                    "Clear selection"
                </button>
            })}
            {move || confirming.get().then(|| view! {
                <p class="bulk-confirm" role="alert">
                    {format!("Delete {}? They go to the trash, with their cast links; one Undo brings them all back.", selection.noun(selection.count()))}
                </p>
                <button class="button danger" type="button" disabled=busy on:click=delete>
                    {move || if busy.get() { "Deleting…".to_owned() } else { format!("Delete {}", selection.noun(selection.count())) }}
                </button>
                <button class="button secondary" type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </div>
    }
    .into_any()
}

/// One Undo for the whole batch: every row back from the trash, or none.
fn undo(selection: Selection, ids: Vec<i64>, changed: RwSignal<u32>) -> crate::app::notices::Undo {
    let notices = use_notices();
    std::sync::Arc::new(move || {
        let ids = ids.clone();
        leptos::task::spawn_local(async move {
            let what = selection.noun(ids.len());
            match restore_many(selection.kind.to_owned(), ids).await {
                Ok(_) => {
                    notices.say(format!("Restored {what}."));
                    changed.update(|n| *n += 1);
                }
                Err(err) => {
                    notices.say(format!("The {what} could not be restored. {}", human(&err)))
                }
            }
        });
    })
}

/// "Export CSV": the list as it is searched and sorted, every match, as a spreadsheet.
#[component]
pub fn ExportLink(state: Memo<ListState>, import: Option<&'static str>) -> impl IntoView {
    let href = move || {
        let state = state.get();
        // The order on screen: the page's default is newest first.
        let sort = state.sort.clone().or_else(crate::app::list_controls::newest_first);
        let base = state.href(sort.as_deref(), 1);
        let joiner = if base.contains('?') { '&' } else { '?' };
        format!("{base}{joiner}format=csv")
    };
    view! {
        <p class="list-tools">
            <a class="button secondary" href=href download="" rel="external">"Export CSV"</a>
            {import.map(|path| view! { <a class="button secondary" href=path>"Import CSV"</a> })}
        </p>
    }
}
