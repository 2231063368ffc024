//! `/trash`: deleted actors and movies the person may restore (those they may delete),
//! newest delete first, each with a Restore button that works without JavaScript too.

use leptos::{
    either::{EitherOf3, EitherOf4},
    prelude::*,
};
use leptos_meta::Title;

use super::history::When;
use super::not_found::LoadFailed;
use crate::{
    app::{
        forms::FormError,
        list_controls::{Pager, use_list_state},
        notices::use_notices,
        session_ui::SignInPrompt,
        suspended::suspended,
        use_session,
    },
    model::{Permission, journal::TrashItem},
    rpc::trash::{Restore, list_trash},
};

#[component]
pub fn TrashPage() -> impl IntoView {
    let session = use_session();
    let state = use_list_state("/trash");
    let notices = use_notices();
    let restore = ServerAction::<Restore>::new();
    let trash = Resource::new(
        move || (state.get().page, restore.version().get()),
        // Only a signed-in user who may delete has a trash; don't ask the server otherwise.
        move |(page, _)| async move {
            match session.await {
                Ok(s) if s.user.as_ref().is_some_and(may_restore) => {
                    list_trash(page).await.map(Some)
                }
                _ => Ok(None),
            }
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(back)) = restore.value().get() {
            let links = match back.cast_links {
                0 => String::new(),
                1 => " with 1 cast link".to_owned(),
                n => format!(" with {n} cast links"),
            };
            notices.say_with_link(
                format!("Restored “{}”{links}.", back.name),
                format!("/{}s/{}", back.entity, back.id),
                format!("Open {}", back.name),
            );
        }
    });
    let error = Signal::derive(move || restore.value().get().and_then(Result::err));
    view! {
        <Title text="Trash" />
        <h1>"Trash"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {suspended(move || async move {
                let session = session.await.ok();
                let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
                    let expired = session.is_some_and(|s| s.expired);
                    return EitherOf3::A(view! { <SignInPrompt expired what="the trash" /> });
                };
                if !may_restore(&user) {
                    return EitherOf3::B(view! {
                        <p class="empty">"Your role cannot delete or restore records, so there is no trash to show."</p>
                    });
                }
                EitherOf3::C(view! {
                    <p class="lead">"Deleted actors and movies can be restored from here, with their cast, until the date shown; then they are removed for good (their history stays)."</p>
                    <FormError error />
                    <Transition fallback=|| view! { <p class="loading">"Loading the trash…"</p> }>
                        {suspended(move || async move {
                            match trash.await {
                                Ok(Some(list)) if list.items.is_empty() => {
                                    EitherOf4::A(view! { <p class="empty">"The trash is empty."</p> })
                                }
                                Ok(Some(list)) => {
                                    let (page, pages, total) = (list.page, list.pages(), list.total);
                                    EitherOf4::B(view! {
                                        <ul class="trash panel">
                                            {list.items.into_iter().map(|item| view! { <TrashRow item restore /> }).collect_view()}
                                        </ul>
                                        <Pager state page pages total />
                                    })
                                }
                                Ok(None) => EitherOf4::C(()),
                                Err(err) => EitherOf4::D(view! { <LoadFailed error=err /> }),
                            }
                        })}
                    </Transition>
                })
            })}
        </Suspense>
    }
}

fn may_restore(user: &crate::model::UserInfo) -> bool {
    user.can(Permission::DeleteActors) || user.can(Permission::DeleteMovies)
}

/// One deleted record: what it was, who deleted it when, and Restore.
#[component]
fn TrashRow(item: TrashItem, restore: ServerAction<Restore>) -> impl IntoView {
    let kind = if item.entity == "actor" { "Actor" } else { "Movie" };
    let who = item.by.name.clone().unwrap_or_else(|| item.by.sub.clone());
    let links = match item.cast_links {
        0 => None,
        1 => Some("1 cast link".to_owned()),
        n => Some(format!("{n} cast links")),
    };
    let label = format!("Restore {}", item.name);
    let pending = restore.pending();
    let (entity, id) = (item.entity.clone(), item.id);
    view! {
        <li class="trash-item" data-entity=item.entity data-id=id>
            <div>
                <p><span class="badge">{kind}</span> " " <strong>{item.name.clone()}</strong>
                    {links.map(|l| view! { <span class="muted">" · " {l}</span> })}</p>
                <p class="muted">"Deleted by " {who} " · " <When at=item.deleted_at.clone() />
                    " · restorable until " <When at=item.purge_after.clone() /></p>
            </div>
            <ActionForm action=restore>
                <input type="hidden" name="kind" value=entity />
                <input type="hidden" name="id" value=id />
                <button class="button" type="submit" aria-label=label disabled=move || pending.get()>"Restore"</button>
            </ActionForm>
        </li>
    }
}
