//! `/activity`: the change journal, newest first, a page at a time; what the person may read.

use leptos::prelude::*;
use leptos_meta::Title;

use super::history::HistoryItem;
use super::not_found::LoadFailed;
use crate::{
    app::{
        list_controls::{Pager, use_list_state},
        live::reload_on,
        session_ui::SignInPrompt,
        use_session,
    },
    rpc::history::get_activity,
};

#[component]
pub fn ActivityPage() -> impl IntoView {
    let session = use_session();
    let state = use_list_state("/activity");
    let changed = RwSignal::new(0u32);
    let feed = Resource::new(
        move || (state.get().page, changed.get()),
        // Only a signed-in user has anything to read; don't ask the server otherwise.
        move |(page, _)| async move {
            match session.await {
                Ok(s) if s.user.is_some() => get_activity(page).await.map(Some),
                _ => Ok(None),
            }
        },
    );
    // New changes come in at the top of the first page; a later page stays put while read.
    reload_on(move |_| state.get_untracked().page <= 1, || false, changed);
    view! {
        <Title text="Activity" />
        <h1>"Activity"</h1>
        <p class="lead">"Every change to actors, movies and casts, newest first: who made it, and what it was."</p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let session = session.await.ok();
                if session.as_ref().and_then(|s| s.user.as_ref()).is_none() {
                    let expired = session.is_some_and(|s| s.expired);
                    return view! { <SignInPrompt expired what="the activity" /> }.into_any();
                }
                match feed.await {
                    Ok(Some(list)) if list.items.is_empty() => {
                        view! { <p class="empty">"Nothing has changed yet."</p> }.into_any()
                    }
                    Ok(Some(list)) => {
                        let (page, pages, total) = (list.page, list.pages(), list.total);
                        view! {
                            <section class="panel">
                                <ol class="history">
                                    {list.items.into_iter().map(|change| view! { <HistoryItem change linked=true /> }).collect_view()}
                                </ol>
                            </section>
                            <Pager state page pages total />
                        }.into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(err) => view! { <LoadFailed error=err /> }.into_any(),
                }
            })}
        </Transition>
    }
}
