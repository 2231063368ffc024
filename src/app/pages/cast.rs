//! The cast of a movie (with the picker to add to it) and the filmography of an actor.

use leptos::{html, prelude::*};

use crate::{
    app::forms::{Field, FormError, last_error},
    model::{CastMember, MAX_NAME_CHARS, dates},
    rpc::castings::{AssignActor, UnassignActor, get_cast, get_filmography, search_actors},
};

#[component]
pub fn CastSection(movie_id: i64, can_edit: bool) -> impl IntoView {
    // Bumped after every successful change; the cast reloads without a page reload.
    let changed = RwSignal::new(0u32);
    let cast = Resource::new(move || changed.get(), move |_| get_cast(movie_id));
    view! {
        <section class="panel" aria-labelledby="cast-heading">
            <h2 id="cast-heading">"Cast"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading the cast…"</p> }>
                {move || Suspend::new(async move {
                    match cast.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="empty">"Nobody is cast yet."</p> }.into_any()
                        }
                        Ok(list) => view! {
                            <ul class="cast">
                                {list
                                    .into_iter()
                                    .map(|member| view! { <CastRow member movie_id can_edit changed /> })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(err) => view! { <p class="error" role="alert">{err.message}</p> }.into_any(),
                    }
                })}
            </Transition>
            {can_edit.then(|| view! { <AddToCast movie_id changed /> })}
        </section>
    }
}

#[component]
fn CastRow(
    member: CastMember,
    movie_id: i64,
    can_edit: bool,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let remove = ServerAction::<UnassignActor>::new();
    let error = last_error(remove.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            changed.update(|n| *n += 1);
        }
    });
    let actor = member.actor;
    view! {
        <li data-actor-id=actor.id>
            <a href=format!("/actors/{}", actor.id)>{actor.name.clone()}</a>
            {member.character.map(|c| view! { <span class="character">" as " {c}</span> })}
            {can_edit.then(|| view! {
                <ActionForm action=remove attr:class="inline">
                    <input type="hidden" name="movie_id" value=movie_id />
                    <input type="hidden" name="actor_id" value=actor.id />
                    <button class="button danger small" type="submit" aria-label=format!("Remove {} from the cast", actor.name)>
                        "Remove"
                    </button>
                </ActionForm>
            })}
            <FormError error />
        </li>
    }
}

/// Search-as-you-type: the list of actors to choose from follows what is typed.
#[component]
fn AddToCast(movie_id: i64, changed: RwSignal<u32>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let matches = Resource::new(move || query.get(), search_actors);
    let add = ServerAction::<AssignActor>::new();
    let error = last_error(add.value());
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = add.value().get() {
            if let Some(form) = form.get() {
                form.reset();
            }
            query.set(String::new());
            changed.update(|n| *n += 1);
        }
    });
    let actor_error = move || error.get().and_then(|e| e.for_field("actor_id").map(str::to_owned));
    view! {
        <h3>"Add to the cast"</h3>
        <ActionForm action=add node_ref=form attr:class="form-row">
            <input type="hidden" name="movie_id" value=movie_id />
            <div class="field">
                <label for="cast-search">"Find an actor"</label>
                <input
                    id="cast-search"
                    type="search"
                    placeholder="Type part of a name"
                    autocomplete="off"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </div>
            <div class="field">
                <label for="cast-actor">"Actor"</label>
                <Transition fallback=|| view! { <select id="cast-actor" name="actor_id" disabled=true></select> }>
                    {move || Suspend::new(async move {
                        let actors = matches.await.unwrap_or_default();
                        let empty = actors.is_empty();
                        view! {
                            <select
                                id="cast-actor"
                                name="actor_id"
                                required=true
                                aria-invalid=move || actor_error().is_some().then_some("true")
                                aria-describedby="cast-actor-error"
                            >
                                {empty.then(|| view! { <option value="">"No actor matches"</option> })}
                                {actors
                                    .into_iter()
                                    .map(|a| view! { <option value=a.id>{format!("{} ({})", a.name, a.age)}</option> })
                                    .collect_view()}
                            </select>
                        }
                    })}
                </Transition>
                <p class="field-error" id="cast-actor-error" role="alert">{actor_error}</p>
            </div>
            <Field label="Character (optional)" name="character" id="cast-character" max_length=MAX_NAME_CHARS error />
            <button class="button" type="submit" disabled=move || add.pending().get()>
                {move || if add.pending().get() { "Adding…" } else { "Add to cast" }}
            </button>
        </ActionForm>
        <FormError error />
    }
}

#[component]
pub fn FilmographySection(actor_id: i64) -> impl IntoView {
    let films = Resource::new(|| (), move |_| get_filmography(actor_id));
    view! {
        <section class="panel" aria-labelledby="films-heading">
            <h2 id="films-heading">"Movies"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match films.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="empty">"Not cast in any movie yet."</p> }.into_any()
                        }
                        Ok(list) => view! {
                            <ul class="cast">
                                {list
                                    .into_iter()
                                    .map(|credit| view! {
                                        <li data-movie-id=credit.movie.id>
                                            <a href=format!("/movies/{}", credit.movie.id)>{credit.movie.title.clone()}</a>
                                            " "
                                            <time datetime=dates::to_ymd(&credit.movie.release_date)>
                                                "(" {dates::to_display(&credit.movie.release_date)} ")"
                                            </time>
                                            {credit.character.map(|c| view! { <span class="character">" as " {c}</span> })}
                                        </li>
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(err) => view! { <p class="error" role="alert">{err.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
