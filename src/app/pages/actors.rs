//! `/actors` (list, create, edit, delete) and `/actors/{id}`.

use leptos::{
    either::{Either, EitherOf4},
    html, lazy,
    prelude::*,
};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::cast::FilmographySection;
use super::history::HistorySection;
use super::not_found::{LoadFailed, RecordNotFound};

use crate::{
    app::{
        bulk_select::{BulkBar, ExportLink, SelectPage, SelectRow, Selection},
        conflict,
        forms::{Field, FormError, current_error, last_error},
        list_controls::{ListState, Pager, SearchBox, SortHeader, newest_first, use_list_state},
        live::{DeletedNotice, follow_record},
        live_list::{ListKind, LiveList},
        notices::use_notices,
        pictures::{Face, PictureCard, PictureUploader},
        row_actions::{CancelLink, DeleteForm, RowAction, RowControls},
        session_ui::SignInPrompt,
        suspended::{on_demand, reactive, suspended},
        use_session,
    },
    model::{
        AGE_RANGE, Actor, MAX_GENDER_CHARS, MAX_NAME_CHARS, Permission, UserInfo,
        picture::PictureOwner,
    },
    rpc::actors::{CreateActor, DeleteActor, UpdateActor, get_actor, list_actors},
};

/// The actor form's fields, whose errors show beside them.
const ACTOR_FIELDS: &[&str] = &["name", "age", "gender"];

#[component]
pub fn ActorsPage() -> impl IntoView {
    let session = use_session();
    // Bumped after every successful change; the list reloads without a page reload.
    let changed = RwSignal::new(0u32);
    let state = use_list_state("/actors");
    // Others' changes reload it too.
    let live = LiveList::follow(
        ListKind {
            entity: "actor",
            path: "/actors",
            label_field: "name",
            one: "actor",
            many: "actors",
        },
        changed,
    );
    let actors = Resource::new(
        move || (changed.get(), state.get()),
        // Only a signed-in user has anything to list; don't ask the server otherwise.
        move |(load, state)| async move {
            let listed = match session.await {
                Ok(s) if s.user.is_some() => {
                    let q = Some(state.q).filter(|q| !q.is_empty());
                    list_actors(q, state.sort.or_else(newest_first), Some(state.page))
                        .await
                        .map(Some)
                }
                _ => Ok(None),
            };
            live.finished_load(load);
            listed
        },
    );
    let selection = Selection::new("actor", "actors");
    Effect::new(move |_| {
        if let Some(Ok(Some(list))) = actors.get() {
            let ids = list.items.iter().map(|r| r.id).collect::<Vec<_>>();
            live.shown(&ids);
            selection.showing(ids);
        }
    });

    view! {
        <Title text="Actors" />
        <h1>"Actors"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {suspended(move || async move {
                let session = session.await.ok();
                let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
                    let expired = session.is_some_and(|s| s.expired);
                    return Either::Left(view! { <SignInPrompt expired what="actors" /> });
                };
                let can_create = user.can(Permission::PostActors);
                let can_delete = user.can(Permission::DeleteActors);
                let import = can_create.then_some("/import/actors");
                Either::Right(view! {
                    {can_create.then(|| view! { <CreateActorForm changed /> })}
                    <SearchBox state label="Search actors" />
                    <ExportLink state import />
                    {live.waiting_note()}
                    <Transition fallback=|| view! { <p class="loading">"Loading actors…"</p> }>
                        {suspended(move || {
                            let user = user.clone();
                            async move {
                                match actors.await {
                                    Ok(Some(list)) if list.items.is_empty() => {
                                        let q = state.get_untracked().q;
                                        let message = if q.is_empty() { "No actors yet.".to_owned() } else { format!("No actors match “{q}”.") };
                                        EitherOf4::A(view! { <p class="empty">{message}</p> })
                                    }
                                    Ok(Some(list)) => {
                                        let (page, pages, total) = (list.page, list.pages(), list.total);
                                        let selection = can_delete.then_some(selection);
                                        EitherOf4::B(view! {
                                            {selection.map(|selection| view! { <BulkBar selection state total changed /> })}
                                            <ActorTable list=list.items user changed state selection />
                                            <Pager state page pages total />
                                        })
                                    }
                                    Ok(None) => EitherOf4::C(()),
                                    Err(err) => EitherOf4::D(view! { <LoadFailed error=err /> }),
                                }
                            }
                        })}
                    </Transition>
                })
            })}
        </Suspense>
    }
}

#[component]
fn CreateActorForm(changed: RwSignal<u32>) -> impl IntoView {
    let notices = use_notices();
    let create = ServerAction::<CreateActor>::new();
    let error = last_error(create.value());
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(actor)) = create.value().get() {
            // The list may not show the new row (a search, another page): the link does.
            notices.say_with_link(
                format!("Added “{}”.", actor.name),
                format!("/actors/{}", actor.id),
                format!("Open {}", actor.name),
            );
            if let Some(form) = form.get() {
                form.reset();
            }
            changed.update(|n| *n += 1);
        }
    });
    view! {
        // Open after a failed submission, so its errors show on a phone too.
        <details class="panel add-panel" open=move || error.get().is_some()>
            <summary class="button"><span class="when-closed">"Add actor"</span><span class="when-open">"Close the form"</span></summary>
            <h2 id="new-actor">"Add an actor"</h2>
            <ActionForm action=create node_ref=form attr:class="form-row" attr:aria-labelledby="new-actor">
                <Field label="Name" name="name" id="new-actor-name" required=true max_length=MAX_NAME_CHARS error />
                <Field label="Age" name="age" id="new-actor-age" kind="number" required=true min=*AGE_RANGE.start() max=*AGE_RANGE.end() error />
                <Field label="Gender" name="gender" id="new-actor-gender" required=true max_length=MAX_GENDER_CHARS error />
                <button class="button" type="submit" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Adding…" } else { "Add actor" }}
                </button>
            </ActionForm>
            <FormError error fields=ACTOR_FIELDS />
        </details>
    }
}

#[component]
fn ActorTable(
    list: Vec<Actor>,
    user: UserInfo,
    changed: RwSignal<u32>,
    state: Memo<ListState>,
    selection: Option<Selection>,
) -> impl IntoView {
    let can_edit = user.can(Permission::PatchActors);
    let can_delete = user.can(Permission::DeleteActors);
    let controls =
        RowControls::<UpdateActor, DeleteActor>::new(can_edit, can_delete, changed, state);
    view! {
        {controls.unclaimed_errors()}
        <table class="data">
            <caption class="visually-hidden">"Actors"</caption>
            <colgroup>
                {selection.map(|_| view! { <col class="col-select" /> })}
                <col class="col-name" />
                <col class="col-number" />
                <col class="col-text" />
                {(can_edit || can_delete).then(|| view! { <col class="col-actions" /> })}
            </colgroup>
            <thead>
                <tr>
                    {selection.map(|selection| view! { <SelectPage selection /> })}
                    <SortHeader state column="name" label="Name" />
                    <SortHeader state column="age" label="Age" />
                    <SortHeader state column="gender" label="Gender" />
                    {(can_edit || can_delete).then(|| view! { <th scope="col">"Actions"</th> })}
                </tr>
            </thead>
            <tbody>
                {list.into_iter().map(|actor| view! { <ActorRow actor controls selection /> }).collect_view()}
            </tbody>
        </table>
    }
}

/// A row: its cells, and links that open its editor (or the open editor itself).
#[component]
fn ActorRow(
    actor: Actor,
    controls: RowControls<UpdateActor, DeleteActor>,
    selection: Option<Selection>,
) -> impl IntoView {
    let select_label = actor.name.clone();
    let id = actor.id;
    let anchor = format!("actor-{id}");
    let state = controls.state();
    let editing = actor.clone();
    let open = controls.is_open(id);
    let actions = controls.cell(
        id,
        actor.version,
        anchor.clone(),
        actor.name.clone(),
        4 + usize::from(selection.is_some()),
        move |update| {
            on_demand(
                "Opening the editor…",
                actor_editor(editing.clone(), update, state, controls.changed()),
            )
        },
        |form| on_demand("Opening…", actor_delete_form(form)),
    );
    let (name, age, gender, photo) = (actor.name, actor.age, actor.gender, actor.photo);
    view! {
        <tr id=anchor data-actor-id=id>
            // While the row's editor is open it spans the row in place of these cells.
            {reactive(move || (!open()).then(|| view! {
                {selection.map(|selection| view! { <SelectRow selection id label=select_label.clone() /> })}
                <td class="primary">
                    <a class="with-face" href=format!("/actors/{id}")>
                        <Face picture=photo.clone() name=name.clone() />
                        <span>{name.clone()}</span>
                    </a>
                </td>
                <td data-label="Age">{age}</td>
                <td data-label="Gender">{gender.clone()}</td>
            }))}
            {actions}
        </tr>
    }
}

/// The row's editor, in a chunk of its own (`cargo leptos --split`), loaded when a row is
/// first opened for editing (or with the page, when the server renders it open).
#[lazy]
fn actor_editor(
    actor: Actor,
    update: RowAction<UpdateActor>,
    state: Memo<ListState>,
    changed: RwSignal<u32>,
) -> AnyView {
    view! { <EditActor actor update state changed /> }.into_any()
}

/// Loads the code of the row form that the address `path` + `query` opens on this page
/// (`?edit=` or `?delete=`): the server rendered that form, and it can only hydrate with its
/// code there. Called before hydration (`crate::hydrate`).
#[cfg(feature = "hydrate")]
pub async fn preload_opened_row(path: &str, query: &str) {
    use crate::app::list_controls::{RowEditor, row_editor_in};
    if path.trim_end_matches('/') != "/actors" {
        return;
    }
    match row_editor_in(query) {
        Some(RowEditor::Edit(_)) => __preload_actor_editor().await,
        Some(RowEditor::Delete(_)) => __preload_actor_delete_form().await,
        None => {}
    }
}

/// The row's delete confirmation, in a chunk of its own, as the editor.
#[lazy]
fn actor_delete_form(form: DeleteForm<Actor>) -> AnyView {
    form.view().into_any()
}

/// The row's editor. It sends the version it showed; see `conflict` for what happens when
/// someone else saved first.
#[component]
fn EditActor(
    actor: Actor,
    update: RowAction<UpdateActor>,
    state: Memo<ListState>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let id = actor.id;
    let prefix = format!("actor-{id}");
    let error = update.rows.error_for(id);
    let pending = update.rows.pending_for(id);
    let version = conflict::version_to_send::<Actor>(actor.version, error);
    // What was typed, when a page rendered without JavaScript brings a conflict back.
    let sent = error.get_untracked();
    let value =
        move |field: &str, shown: String| conflict::submitted(&sent, field).unwrap_or(shown);
    let discard_href = Signal::derive(move || state.get().closed_href());
    let reload = Callback::new(move |_| changed.update(|n| *n += 1));
    view! {
        <p class="editor-title">"Editing " <strong>{actor.name.clone()}</strong></p>
        {conflict::conflict_message::<Actor>(error, discard_href, reload, false)}
        <ActionForm action=update.action attr:class="form-row row-editor">
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="version" value=version />
            // What the form first showed (after a conflict without JavaScript, still that).
            <input type="hidden" name="shown_name" value=value("shown_name", actor.name.clone()) />
            <input type="hidden" name="shown_age" value=value("shown_age", actor.age.to_string()) />
            <input type="hidden" name="shown_gender" value=value("shown_gender", actor.gender.clone()) />
            <Field label="Name" name="name" id=format!("{prefix}-name") value=value("name", actor.name) required=true max_length=MAX_NAME_CHARS autofocus=true error />
            <Field label="Age" name="age" id=format!("{prefix}-age") kind="number" value=value("age", actor.age.to_string()) required=true min=*AGE_RANGE.start() max=*AGE_RANGE.end() error />
            <Field label="Gender" name="gender" id=format!("{prefix}-gender") value=value("gender", actor.gender) required=true max_length=MAX_GENDER_CHARS error />
            <div class="form-buttons">
                <button class="button" type="submit" disabled=pending>
                    {move || match (pending(), conflict::current::<Actor>(current_error(error)).is_some()) {
                        (true, _) => "Saving…",
                        (false, true) => "Apply my changes",
                        (false, false) => "Save",
                    }}
                </button>
                <CancelLink state />
            </div>
        </ActionForm>
        <FormError error fields=ACTOR_FIELDS />
    }
}

#[component]
pub fn ActorPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let actor = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_actor(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <p><a href="/actors">"← All actors"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {suspended(move || async move {
                let user = session.await.ok().and_then(|s| s.user);
                let can_edit = user.is_some_and(|u| u.can(Permission::PatchActors));
                match actor.await {
                    Ok(Some(actor)) => EitherOf4::A(view! { <ActorDetails actor can_edit /> }),
                    Ok(None) => EitherOf4::B(view! { <RecordNotFound what="actor" back="/actors" /> }),
                    Err(err) if err.status == 404 => EitherOf4::B(view! { <RecordNotFound what="actor" back="/actors" /> }),
                    Err(err) if err.is_unauthenticated() => EitherOf4::C(view! { <SignInPrompt expired=false what="this actor" /> }),
                    Err(err) => EitherOf4::D(view! { <LoadFailed error=err /> }),
                }
            })}
        </Suspense>
    }
}

/// An actor's page, kept current as others change it.
#[component]
fn ActorDetails(actor: Actor, can_edit: bool) -> impl IntoView {
    let id = actor.id;
    let shown = RwSignal::new(actor);
    let gone = RwSignal::new(None);
    follow_record("actor", id, shown, gone);
    let name = move || shown.with(|a| a.name.clone());
    let photo = Signal::derive(move || shown.with(|a| a.photo.clone()));
    let on_saved = Callback::new(move |record: serde_json::Value| {
        if let Ok(actor) = serde_json::from_value::<Actor>(record) {
            shown.set(actor);
        }
    });
    view! {
        <Title text=crate::app::record_title(shown, |a: &Actor| a.name.clone()) />
        <h1>{name}</h1>
        <DeletedNotice gone back="/actors" />
        <div class="record-head">
            <PictureCard picture=photo name=Signal::derive(name) owner=PictureOwner::Actor />
            <div>
                <dl class="details">
                    <dt>"Age"</dt><dd>{move || shown.with(|a| a.age)}</dd>
                    <dt>"Gender"</dt><dd>{move || shown.with(|a| a.gender.clone())}</dd>
                </dl>
                {can_edit.then(|| view! {
                    <PictureUploader owner=PictureOwner::Actor id
                        has_picture=Signal::derive(move || photo.with(Option::is_some)) on_saved />
                })}
            </div>
        </div>
        <FilmographySection actor_id=id />
        <HistorySection kind="actor" id />
    }
}

crate::app::row_actions::row_actions_for!(UpdateActor, DeleteActor);
