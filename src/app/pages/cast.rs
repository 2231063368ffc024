//! The cast of a movie (with the picker to add to it) and the filmography of an actor.

use leptos::{
    either::{Either, EitherOf3},
    html,
    prelude::*,
};

use crate::{
    app::{
        forms::{Field, FormError, last_error},
        live::{LiveMessage, has_open_editor, reload_on},
        messages::human,
        notices::use_notices,
        pictures::Face,
        suspended::suspended,
    },
    model::{AppError, CastChange, CastMember, MAX_NAME_CHARS, dates},
    rpc::castings::{
        AssignActor, ChangeCharacter, UnassignActor, assign_actors, get_cast, get_filmography,
        search_actors,
    },
};

/// The cast picker's fields, whose errors show beside them.
const CAST_FIELDS: &[&str] = &["actor_id", "character"];

#[component]
pub fn CastSection(movie_id: i64, can_edit: bool) -> impl IntoView {
    // Bumped after every successful change; the cast reloads without a page reload.
    let changed = RwSignal::new(0u32);
    let cast = Resource::new(move || changed.get(), move |_| get_cast(movie_id));
    // Others' castings in this movie, and renames or deletions of actors, reload it; not
    // while a character editor is open (what is typed there would be lost).
    let section = NodeRef::<html::Section>::new();
    reload_on(
        move |message| match message {
            LiveMessage::Resync => true,
            LiveMessage::Change(c) => {
                (c.entity == "casting" && c.entity_id == movie_id)
                    || (c.entity == "actor" && c.action != "create")
            }
        },
        move || has_open_editor(section),
        changed,
    );
    let actions = can_edit.then(|| CastActions::new(cast, changed));
    view! {
        <section class="panel" aria-labelledby="cast-heading" node_ref=section>
            <h2 id="cast-heading">"Cast"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading the cast…"</p> }>
                {suspended(move || async move {
                    match cast.await {
                        Ok(list) if list.is_empty() => {
                            EitherOf3::A(view! { <p class="empty">"Nobody is cast yet."</p> })
                        }
                        Ok(list) => EitherOf3::B(view! {
                            <ul class="cast">
                                {list
                                    .into_iter()
                                    .map(|member| view! { <CastRow member movie_id actions /> })
                                    .collect_view()}
                            </ul>
                        }),
                        Err(err) => EitherOf3::C(view! { <p class="error" role="alert">{human(&err)}</p> }),
                    }
                })}
            </Transition>
            {actions.map(CastActions::unclaimed)}
            {can_edit.then(|| view! { <AddToCast movie_id cast changed /> <CastSeveral movie_id cast changed /> })}
        </section>
    }
}

/// What the notice says after a casting change.
fn cast_notice(change: &CastChange) -> String {
    match (&change.character, change.created) {
        (Some(c), true) => format!("Cast {} as {c}.", change.actor_name),
        (None, true) => format!("Cast {}.", change.actor_name),
        (Some(c), false) => format!("{} now plays {c}.", change.actor_name),
        (None, false) => format!("{} no longer has a character.", change.actor_name),
    }
}

/// The cast's two row actions (remove, change character), one of each for the whole section,
/// and which row used each last. An action per row built two server actions, two effects and
/// their signals for each cast member on every render of the page, for the one row a person
/// might change.
#[derive(Clone, Copy)]
struct CastActions {
    remove: ServerAction<UnassignActor>,
    rename: ServerAction<ChangeCharacter>,
    remove_error: Signal<Option<AppError>>,
    rename_error: Signal<Option<AppError>>,
    rename_pending: Memo<bool>,
    /// The actor of each action's last submission in this page (`None` before any, or when
    /// the error came back from a form posted without JavaScript, which does not say).
    remove_row: RwSignal<Option<i64>>,
    rename_row: RwSignal<Option<i64>>,
}

impl CastActions {
    fn new(cast: Resource<Result<Vec<CastMember>, AppError>>, changed: RwSignal<u32>) -> Self {
        let notices = use_notices();
        let remove = ServerAction::<UnassignActor>::new();
        let rename = ServerAction::<ChangeCharacter>::new();
        let (remove_row, rename_row) = (RwSignal::new(None), RwSignal::new(None));
        // Effects run only in the browser, where the forms are submitted.
        Effect::new(move |_| {
            if let Some(id) = remove.input().with(|input| input.as_ref().map(|i| i.actor_id)) {
                remove_row.set(Some(id));
            }
        });
        Effect::new(move |_| {
            if let Some(id) = rename.input().with(|input| input.as_ref().map(|i| i.actor_id)) {
                rename_row.set(Some(id));
            }
        });
        let removed = remove.value();
        Effect::new(move |_| {
            if let Some(Ok(())) = removed.get() {
                // Read before the reload `changed` starts: the row is still in the cast.
                let name = untrack(|| {
                    let id = remove_row.get()?;
                    let cast = cast.get()?.ok()?;
                    cast.into_iter().find(|m| m.actor.id == id).map(|m| m.actor.name)
                });
                notices.say(match name {
                    Some(name) => format!("Removed {name} from the cast."),
                    None => "Removed from the cast.".to_owned(),
                });
                changed.update(|n| *n += 1);
            }
        });
        let renamed = rename.value();
        Effect::new(move |_| {
            if let Some(Ok(change)) = renamed.get() {
                notices.say(cast_notice(&change));
                changed.update(|n| *n += 1);
            }
        });
        CastActions {
            remove,
            rename,
            remove_error: last_error(removed),
            rename_error: last_error(renamed),
            rename_pending: rename.pending(),
            remove_row,
            rename_row,
        }
    }

    /// `error`, when the last submission was row `id`'s.
    fn mine(
        error: Signal<Option<AppError>>,
        row: RwSignal<Option<i64>>,
        id: i64,
    ) -> Signal<Option<AppError>> {
        Signal::derive(move || error.get().filter(|_| row.get() == Some(id)))
    }

    /// The errors no row can claim (see `remove_row`), shown once under the cast.
    fn unclaimed(self) -> impl IntoView {
        let unclaimed = |error: Signal<Option<AppError>>, row: RwSignal<Option<i64>>| {
            Signal::derive(move || error.get().filter(|_| row.get().is_none()))
        };
        view! {
            <FormError error=unclaimed(self.remove_error, self.remove_row) />
            <FormError error=unclaimed(self.rename_error, self.rename_row) />
        }
    }
}

#[component]
fn CastRow(member: CastMember, movie_id: i64, actions: Option<CastActions>) -> impl IntoView {
    let actor = member.actor;
    let id = actor.id;
    view! {
        <li data-actor-id=id>
            <a class="with-face" href=format!("/actors/{id}")>
                <Face picture=actor.photo name=actor.name.clone() />
                <span>{actor.name.clone()}</span>
            </a>
            {member.character.clone().map(|c| view! { <span class="character">" as " {c}</span> })}
            {actions.map(|actions| {
                let remove_error = CastActions::mine(actions.remove_error, actions.remove_row, id);
                let rename_error = CastActions::mine(actions.rename_error, actions.rename_row, id);
                let saving = move || actions.rename_pending.get() && actions.rename_row.get() == Some(id);
                view! {
                    <div class="cast-actions">
                        <details class="character-edit">
                            <summary class="button secondary small">"Change character"</summary>
                            <ActionForm action=actions.rename attr:class="form-row compact">
                                <input type="hidden" name="movie_id" value=movie_id />
                                <input type="hidden" name="actor_id" value=id />
                                <Field label="Character (empty clears it)" name="character" id=format!("character-{id}") value=member.character.unwrap_or_default() max_length=MAX_NAME_CHARS error=rename_error />
                                <button class="button small" type="submit" disabled=saving>"Save"</button>
                            </ActionForm>
                        </details>
                        <ActionForm action=actions.remove attr:class="inline">
                            <input type="hidden" name="movie_id" value=movie_id />
                            <input type="hidden" name="actor_id" value=id />
                            <button class="button danger small" type="submit" aria-label=format!("Remove {} from the cast", actor.name)>
                                "Remove"
                            </button>
                        </ActionForm>
                    </div>
                    <FormError error=remove_error />
                    <FormError error=rename_error fields=&["character"] />
                }
            })}
        </li>
    }
}

/// Search-as-you-type: the list of actors to choose from follows what is typed. Nobody is
/// chosen until the person chooses; those already cast are marked, and picking one of them
/// changes their character instead of adding them twice.
#[component]
fn AddToCast(
    movie_id: i64,
    cast: Resource<Result<Vec<CastMember>, AppError>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let notices = use_notices();
    let query = RwSignal::new(String::new());
    let chosen = RwSignal::new(String::new());
    let matches = Resource::new(move || query.get(), search_actors);
    let add = ServerAction::<AssignActor>::new();
    let error = last_error(add.value());
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(change)) = add.value().get() {
            notices.say(cast_notice(&change));
            if let Some(form) = form.get() {
                form.reset();
            }
            // (`reset` has emptied the search box; no `prop:value` on it, which hydration
            // would use to erase what was typed before the WASM arrived.)
            query.set(String::new());
            chosen.set(String::new());
            changed.update(|n| *n += 1);
        }
    });
    // The chosen actor's current character, when they are already cast.
    let already = move || {
        let id = chosen.get().parse::<i64>().ok()?;
        let cast = cast.get()?.ok()?;
        cast.into_iter().find(|m| m.actor.id == id)
    };
    let actor_error =
        move || error.get().filter(|e| e.field.as_deref() == Some("actor_id")).map(|e| human(&e));
    view! {
        <h3>"Add to the cast"</h3>
        <ActionForm action=add node_ref=form attr:class="form-row" attr:novalidate=true>
            <input type="hidden" name="movie_id" value=movie_id />
            <div class="field">
                <label for="cast-search">"Find an actor"</label>
                <input
                    id="cast-search"
                    type="search"
                    placeholder="Type part of a name"
                    autocomplete="off"
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </div>
            <div class="field">
                <label for="cast-actor">"Actor"</label>
                <Transition fallback=|| view! { <select id="cast-actor" name="actor_id" disabled=true></select> }>
                    {suspended(move || async move {
                        let actors = matches.await.unwrap_or_default();
                        let cast = cast.await.unwrap_or_default();
                        let placeholder = if actors.is_empty() { "No actor matches" } else { "Choose an actor…" };
                        view! {
                            <select
                                id="cast-actor"
                                name="actor_id"
                                aria-invalid=move || actor_error().is_some().then_some("true")
                                aria-describedby="cast-actor-error cast-actor-hint"
                                on:change=move |ev| chosen.set(event_target_value(&ev))
                            >
                                <option value="" selected=chosen.get_untracked().is_empty()>{placeholder}</option>
                                {actors
                                    .into_iter()
                                    .map(|a| {
                                        let member = cast.iter().find(|m| m.actor.id == a.id);
                                        let text = match member.map(|m| m.character.as_deref()) {
                                            Some(Some(c)) => format!("{} ({}) · in the cast as {c}", a.name, a.age),
                                            Some(None) => format!("{} ({}) · in the cast", a.name, a.age),
                                            None => format!("{} ({})", a.name, a.age),
                                        };
                                        // Re-rendered when the cast or the matches reload: what
                                        // the person chose stays chosen.
                                        let picked = chosen.get_untracked() == a.id.to_string();
                                        view! { <option value=a.id selected=picked>{text}</option> }
                                    })
                                    .collect_view()}
                            </select>
                        }
                    })}
                </Transition>
                <p class="field-error" id="cast-actor-error" role="alert">{actor_error}</p>
                <p class="hint" id="cast-actor-hint">
                    {move || already().map(|m| match m.character {
                        Some(c) => format!("Already in the cast as {c}. The character you type replaces it."),
                        None => "Already in the cast. The character you type is given to them.".to_owned(),
                    })}
                </p>
            </div>
            <Field label="Character (optional)" name="character" id="cast-character" max_length=MAX_NAME_CHARS error />
            <button class="button" type="submit" disabled=move || add.pending().get()>
                {move || match (add.pending().get(), already().is_some()) {
                    (true, _) => "Saving…",
                    (false, true) => "Change character",
                    (false, false) => "Add to cast",
                }}
            </button>
        </ActionForm>
        <FormError error fields=CAST_FIELDS />
    }
}

/// One actor chosen in [`CastSeveral`]: id, name, and the character typed for them.
#[derive(Clone, PartialEq)]
struct Pick {
    id: i64,
    name: String,
    character: RwSignal<String>,
}

/// Casting several actors at once: tick them in the search results (a new search keeps
/// those already ticked), give each a character if wanted, and cast them all in one go (all
/// or none). Needs JavaScript; the picker above works without.
#[component]
fn CastSeveral(
    movie_id: i64,
    cast: Resource<Result<Vec<CastMember>, AppError>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    // Built only once hydrated: its search would otherwise run on the server for every page,
    // and its answer travel in the page, for a form the page does not show.
    view! {
        <Show when=move || live.get()>
            <CastSeveralForm movie_id cast changed />
        </Show>
    }
}

#[component]
fn CastSeveralForm(
    movie_id: i64,
    cast: Resource<Result<Vec<CastMember>, AppError>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let notices = use_notices();
    let query = RwSignal::new(String::new());
    let matches = Resource::new(move || query.get(), search_actors);
    let picks = RwSignal::new(Vec::<Pick>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let toggle = move |id: i64, name: String, on: bool| {
        picks.update(|picks| {
            picks.retain(|p| p.id != id);
            if on {
                picks.push(Pick { id, name, character: RwSignal::new(String::new()) });
            }
        });
    };
    let submit = move |_| {
        let chosen = picks.get_untracked();
        let sent: Vec<(i64, String)> =
            chosen.iter().map(|p| (p.id, p.character.get_untracked())).collect();
        busy.set(true);
        leptos::task::spawn_local(async move {
            match assign_actors(movie_id, sent).await {
                Ok(changes) => {
                    let names: Vec<String> = changes.iter().map(|c| c.actor_name.clone()).collect();
                    notices.say(format!("Cast {} actors: {}.", names.len(), names.join(", ")));
                    picks.set(Vec::new());
                    error.set(None);
                    changed.update(|n| *n += 1);
                }
                Err(err) => error.set(Some(format!("Nobody was cast. {}", human(&err)))),
            }
            busy.set(false);
        });
    };
    view! {
        <details class="cast-several">
            <summary class="button secondary">"Cast several at once"</summary>
            <div class="field">
                <label for="cast-many-search">"Find actors"</label>
                <input id="cast-many-search" type="search" placeholder="Type part of a name" autocomplete="off"
                    on:input=move |ev| query.set(event_target_value(&ev)) />
            </div>
            <Transition fallback=|| view! { <p class="loading">"Searching…"</p> }>
                {suspended(move || async move {
                    let actors = matches.await.unwrap_or_default();
                    let cast = cast.await.unwrap_or_default();
                    if actors.is_empty() {
                        return Either::Left(view! { <p class="empty">"No actor matches."</p> });
                    }
                    Either::Right(view! {
                        <ul class="cast-pick" aria-label="Matching actors">
                            {actors.into_iter().map(|a| {
                                let in_cast = cast.iter().any(|m| m.actor.id == a.id);
                                let (id, name) = (a.id, a.name.clone());
                                let label = match in_cast {
                                    true => format!("{} ({}) · already in the cast", a.name, a.age),
                                    false => format!("{} ({})", a.name, a.age),
                                };
                                view! {
                                    <li>
                                        <label>
                                            <input type="checkbox" disabled=in_cast
                                                prop:checked=move || picks.with(|p| p.iter().any(|p| p.id == id))
                                                on:change=move |ev| toggle(id, name.clone(), event_target_checked(&ev)) />
                                            " " {label}
                                        </label>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Transition>
            <Show when=move || picks.with(|p| !p.is_empty())>
                <h4>"Chosen"</h4>
                <ul class="cast-chosen">
                    <For each=move || picks.get() key=|p| p.id let:pick>
                        <li>
                            <span>{pick.name.clone()}</span>
                            <input type="text" maxlength=MAX_NAME_CHARS placeholder="Character (optional)"
                                aria-label=format!("Character for {} (optional)", pick.name)
                                prop:value=move || pick.character.get()
                                on:input=move |ev| pick.character.set(event_target_value(&ev)) />
                            <button class="button secondary small" type="button"
                                aria-label=format!("Do not cast {}", pick.name)
                                on:click=move |_| toggle(pick.id, String::new(), false)>"Remove"</button>
                        </li>
                    </For>
                </ul>
            </Show>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button class="button" type="button" on:click=submit
                disabled=move || busy.get() || picks.with(Vec::is_empty)>
                {move || match (busy.get(), picks.with(Vec::len)) {
                    (true, _) => "Casting…".to_owned(),
                    (false, 1) => "Cast 1 actor".to_owned(),
                    (false, n) => format!("Cast {n} actors"),
                }}
            </button>
        </details>
    }
}

#[component]
pub fn FilmographySection(actor_id: i64) -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let films = Resource::new(move || changed.get(), move |_| get_filmography(actor_id));
    // Others casting this actor, and renames or deletions of movies, reload it.
    reload_on(
        move |message| match message {
            LiveMessage::Resync => true,
            LiveMessage::Change(c) => {
                (c.entity == "casting" && c.actor_id == Some(actor_id))
                    || (c.entity == "movie" && c.action != "create")
            }
        },
        || false,
        changed,
    );
    view! {
        <section class="panel" aria-labelledby="films-heading">
            <h2 id="films-heading">"Movies"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {suspended(move || async move {
                    match films.await {
                        Ok(list) if list.is_empty() => {
                            EitherOf3::A(view! { <p class="empty">"Not cast in any movie yet."</p> })
                        }
                        Ok(list) => EitherOf3::B(view! {
                            <ul class="cast">
                                {list
                                    .into_iter()
                                    .map(|credit| view! {
                                        <li data-movie-id=credit.movie.id>
                                            <a href=format!("/movies/{}", credit.movie.id)>{credit.movie.title.clone()}</a>
                                            " "
                                            <time datetime=dates::datetime_attr(&credit.movie.release_date)>
                                                "(" {dates::to_display(&credit.movie.release_date)} ")"
                                            </time>
                                            {credit.character.map(|c| view! { <span class="character">" as " {c}</span> })}
                                        </li>
                                    })
                                    .collect_view()}
                            </ul>
                        }),
                        Err(err) => EitherOf3::C(view! { <p class="error" role="alert">{human(&err)}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}
