//! `/activity`: the change journal, newest first, a page at a time; what the person may read.
//! The changes one action made together (an import, a bulk delete) show as one line, which
//! an import or a bulk delete can be undone from.

use leptos::{
    either::{Either, EitherOf5},
    prelude::*,
};
use leptos_meta::Title;

use super::history::{HistoryItem, When};
use super::not_found::LoadFailed;
use crate::{
    app::{
        list_controls::{Pager, use_list_state},
        live::reload_on,
        messages::human,
        notices::use_notices,
        session_ui::SignInPrompt,
        suspended::suspended,
        use_session,
    },
    model::{Permission, UserInfo, journal::ChangeEntry},
    rpc::history::{UndoBatch, get_activity},
};

/// A line of the feed: one change, or the changes of one batch that are on this page.
enum Line {
    One(ChangeEntry),
    Batch { batch: String, changes: Vec<ChangeEntry>, size: i64 },
}

/// Groups the changes of each batch into one line, where its newest change is (on PostgreSQL,
/// concurrent writers' changes can come between a batch's).
fn lines(changes: Vec<ChangeEntry>, sizes: &[(String, i64)]) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for change in changes {
        let same = |line: &Line| matches!(line, Line::Batch { batch, .. } if Some(batch) == change.batch.as_ref());
        if let Some(Line::Batch { changes, .. }) = out.iter_mut().find(|line| same(line)) {
            changes.push(change);
            continue;
        }
        match change.batch.clone() {
            Some(batch) => {
                let size = sizes.iter().find(|(b, _)| *b == batch).map_or(1, |(_, n)| *n);
                out.push(Line::Batch { batch, changes: vec![change], size });
            }
            None => out.push(Line::One(change)),
        }
    }
    out
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    let session = use_session();
    let state = use_list_state("/activity");
    let notices = use_notices();
    let undo = ServerAction::<UndoBatch>::new();
    let changed = RwSignal::new(0u32);
    let feed = Resource::new(
        move || (state.get().page, changed.get(), undo.version().get()),
        // Only a signed-in user has anything to read; don't ask the server otherwise.
        move |(page, _, _)| async move {
            match session.await {
                Ok(s) if s.user.is_some() => get_activity(page).await.map(Some),
                _ => Ok(None),
            }
        },
    );
    Effect::new(move |_| match undo.value().get() {
        Some(Ok(done)) => {
            let noun = |n: usize| match (done.entity.as_str(), n) {
                ("actor", 1) => "1 actor".to_owned(),
                ("actor", n) => format!("{n} actors"),
                (_, 1) => "1 movie".to_owned(),
                (_, n) => format!("{n} movies"),
            };
            let (done_text, already) = match done.action.as_str() {
                "delete" => ("moved to the trash", "already deleted"),
                _ => ("restored", "already back (or purged)"),
            };
            let text = match (done.undone.len(), done.skipped.len()) {
                (0, n) => format!("Nothing left to undo: {} {already}.", noun(n)),
                (n, 0) => format!("Undone: {} {done_text}.", noun(n)),
                (n, k) => format!("Undone: {} {done_text}; {} {already}.", noun(n), noun(k)),
            };
            notices.say(text);
        }
        Some(Err(err)) => notices.say(format!("Nothing was undone. {}", human(&err))),
        None => {}
    });
    // New changes come in at the top of the first page; a later page stays put while read.
    reload_on(move |_| state.get_untracked().page <= 1, || false, changed);
    view! {
        <Title text="Activity" />
        <h1>"Activity"</h1>
        <p class="lead">"Every change to actors, movies and casts, newest first: who made it, and what it was."</p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {suspended(move || async move {
                let session = session.await.ok();
                let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
                    let expired = session.is_some_and(|s| s.expired);
                    return EitherOf5::A(view! { <SignInPrompt expired what="the activity" /> });
                };
                match feed.await {
                    Ok(Some((list, _))) if list.items.is_empty() => {
                        EitherOf5::B(view! { <p class="empty">"Nothing has changed yet."</p> })
                    }
                    Ok(Some((list, sizes))) => {
                        let (page, pages, total) = (list.page, list.pages(), list.total);
                        let lines = lines(list.items, &sizes);
                        EitherOf5::C(view! {
                            <section class="panel">
                                <ol class="history">
                                    {lines.into_iter().map(|line| match line {
                                        Line::One(change) => Either::Left(view! { <HistoryItem change linked=true /> }),
                                        Line::Batch { batch, changes, size } => {
                                            Either::Right(view! { <BatchItem batch changes size user=user.clone() undo /> })
                                        }
                                    }).collect_view()}
                                </ol>
                            </section>
                            <Pager state page pages total />
                        })
                    }
                    Ok(None) => EitherOf5::D(()),
                    Err(err) => EitherOf5::E(view! { <LoadFailed error=err /> }),
                }
            })}
        </Transition>
    }
}

/// "Ann imported 120 actors", the changes behind a disclosure, and the batch's Undo for
/// those who may delete that kind.
#[component]
fn BatchItem(
    batch: String,
    changes: Vec<ChangeEntry>,
    size: i64,
    user: UserInfo,
    undo: ServerAction<UndoBatch>,
) -> impl IntoView {
    let first = &changes[0];
    let who = first.by.name.clone().unwrap_or_else(|| first.by.sub.clone());
    let (one, many, permission) = match first.entity.as_str() {
        "actor" => ("actor", "actors", Some(Permission::DeleteActors)),
        "movie" => ("movie", "movies", Some(Permission::DeleteMovies)),
        _ => ("actor", "actors", None),
    };
    let noun = if size == 1 { one } else { many };
    let (what, undoable) = match first.action.as_str() {
        "create" => (format!("imported {size} {noun}"), true),
        "delete" => (format!("deleted {size} {noun} together"), true),
        "restore" => (format!("restored {size} {noun} together"), true),
        "cast" | "recast" => (format!("cast {size} {noun} at once"), false),
        _ => (format!("changed {size} records together"), false),
    };
    let may_undo = undoable && permission.is_some_and(|p| user.can(p));
    let shown = changes.len();
    let summary = if shown as i64 == size {
        format!("Show the {shown} changes")
    } else {
        format!("Show the {shown} changes on this page (of {size})")
    };
    let label = format!("Undo: {what}");
    let pending = undo.pending();
    let at = first.at.clone();
    let field = batch.clone();
    view! {
        <li class="batch" data-batch=batch>
            <p>
                <strong>{who}</strong> " " {what.clone()} " · " <When at />
            </p>
            {may_undo.then(|| view! {
                <ActionForm action=undo attr:class="batch-undo">
                    <input type="hidden" name="batch" value=field.clone() />
                    <button class="button secondary" type="submit" aria-label=label disabled=move || pending.get()>"Undo"</button>
                </ActionForm>
            })}
            <details>
                <summary>{summary}</summary>
                <ol class="history">
                    {changes.into_iter().map(|change| view! { <HistoryItem change linked=true /> }).collect_view()}
                </ol>
            </details>
        </li>
    }
}
