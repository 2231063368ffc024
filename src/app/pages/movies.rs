//! `/movies` (list, create, edit, delete) and `/movies/{id}`.

use leptos::{
    either::{Either, EitherOf4},
    html,
    prelude::*,
};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::cast::CastSection;
use super::history::HistorySection;
use super::not_found::{LoadFailed, RecordNotFound};

use crate::{
    app::{
        bulk_select::{BulkBar, ExportLink, SelectPage, SelectRow, Selection},
        conflict,
        forms::{Field, FormError, last_error},
        list_controls::{ListState, Pager, SearchBox, SortHeader, newest_first, use_list_state},
        live::{DeletedNotice, follow_record},
        live_list::{ListKind, LiveList},
        notices::use_notices,
        pictures::{Face, PictureCard, PictureUploader},
        row_actions::{CancelLink, DeleteForm, RowAction, RowControls},
        session_ui::SignInPrompt,
        suspended::{reactive, suspended},
        use_session,
    },
    model::{MAX_NAME_CHARS, Movie, Permission, UserInfo, dates, picture::PictureOwner},
    rpc::movies::{CreateMovie, DeleteMovie, UpdateMovie, get_movie, list_movies},
};

/// The movie form's fields, whose errors show beside them.
const MOVIE_FIELDS: &[&str] = &["title", "release_date"];

#[component]
pub fn MoviesPage() -> impl IntoView {
    let session = use_session();
    // Bumped after every successful change; the list reloads without a page reload.
    let changed = RwSignal::new(0u32);
    let state = use_list_state("/movies");
    // Others' changes reload it too.
    let live = LiveList::follow(
        ListKind {
            entity: "movie",
            path: "/movies",
            label_field: "title",
            one: "movie",
            many: "movies",
        },
        changed,
    );
    let movies = Resource::new(
        move || (changed.get(), state.get()),
        // Only a signed-in user has anything to list; don't ask the server otherwise.
        move |(load, state)| async move {
            let listed = match session.await {
                Ok(s) if s.user.is_some() => {
                    let q = Some(state.q).filter(|q| !q.is_empty());
                    list_movies(q, state.sort.or_else(newest_first), Some(state.page))
                        .await
                        .map(Some)
                }
                _ => Ok(None),
            };
            live.finished_load(load);
            listed
        },
    );
    let selection = Selection::new("movie", "movies");
    Effect::new(move |_| {
        if let Some(Ok(Some(list))) = movies.get() {
            let ids = list.items.iter().map(|r| r.id).collect::<Vec<_>>();
            live.shown(&ids);
            selection.showing(ids);
        }
    });

    view! {
        <Title text="Movies" />
        <h1>"Movies"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {suspended(move || async move {
                let session = session.await.ok();
                let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
                    let expired = session.is_some_and(|s| s.expired);
                    return Either::Left(view! { <SignInPrompt expired what="movies" /> });
                };
                let can_create = user.can(Permission::PostMovies);
                let can_delete = user.can(Permission::DeleteMovies);
                let import = can_create.then_some("/import/movies");
                Either::Right(view! {
                    {can_create.then(|| view! { <CreateMovieForm changed /> })}
                    <SearchBox state label="Search movies" />
                    <ExportLink state import />
                    {live.waiting_note()}
                    <Transition fallback=|| view! { <p class="loading">"Loading movies…"</p> }>
                        {suspended(move || {
                            let user = user.clone();
                            async move {
                                match movies.await {
                                    Ok(Some(list)) if list.items.is_empty() => {
                                        let q = state.get_untracked().q;
                                        let message = if q.is_empty() { "No movies yet.".to_owned() } else { format!("No movies match “{q}”.") };
                                        EitherOf4::A(view! { <p class="empty">{message}</p> })
                                    }
                                    Ok(Some(list)) => {
                                        let (page, pages, total) = (list.page, list.pages(), list.total);
                                        let selection = can_delete.then_some(selection);
                                        EitherOf4::B(view! {
                                            {selection.map(|selection| view! { <BulkBar selection state total changed /> })}
                                            <MovieTable list=list.items user changed state selection />
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
fn CreateMovieForm(changed: RwSignal<u32>) -> impl IntoView {
    let notices = use_notices();
    let create = ServerAction::<CreateMovie>::new();
    let error = last_error(create.value());
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(movie)) = create.value().get() {
            // The list may not show the new row (a search, another page): the link does.
            notices.say_with_link(
                format!("Added “{}”.", movie.title),
                format!("/movies/{}", movie.id),
                format!("Open {}", movie.title),
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
            <summary class="button"><span class="when-closed">"Add movie"</span><span class="when-open">"Close the form"</span></summary>
            <h2 id="new-movie">"Add a movie"</h2>
            <ActionForm action=create node_ref=form attr:class="form-row" attr:aria-labelledby="new-movie">
                <Field label="Title" name="title" id="new-movie-title" required=true max_length=MAX_NAME_CHARS error />
                <Field label="Release date (empty if not yet scheduled)" name="release_date" id="new-movie-release-date" kind="date" error />
                <button class="button" type="submit" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Adding…" } else { "Add movie" }}
                </button>
            </ActionForm>
            <FormError error fields=MOVIE_FIELDS />
        </details>
    }
}

#[component]
fn MovieTable(
    list: Vec<Movie>,
    user: UserInfo,
    changed: RwSignal<u32>,
    state: Memo<ListState>,
    selection: Option<Selection>,
) -> impl IntoView {
    let can_edit = user.can(Permission::PatchMovies);
    let can_delete = user.can(Permission::DeleteMovies);
    let controls =
        RowControls::<UpdateMovie, DeleteMovie>::new(can_edit, can_delete, changed, state);
    view! {
        {controls.unclaimed_errors()}
        <table class="data">
            <caption class="visually-hidden">"Movies"</caption>
            <colgroup>
                {selection.map(|_| view! { <col class="col-select" /> })}
                <col class="col-name" />
                <col class="col-date" />
                {(can_edit || can_delete).then(|| view! { <col class="col-actions" /> })}
            </colgroup>
            <thead>
                <tr>
                    {selection.map(|selection| view! { <SelectPage selection /> })}
                    <SortHeader state column="title" label="Title" />
                    <SortHeader state column="release_date" label="Release date" />
                    {(can_edit || can_delete).then(|| view! { <th scope="col">"Actions"</th> })}
                </tr>
            </thead>
            <tbody>
                {list.into_iter().map(|movie| view! { <MovieRow movie controls selection /> }).collect_view()}
            </tbody>
        </table>
    }
}

/// A row: its cells, and links that open its editor (or the open editor itself).
#[component]
fn MovieRow(
    movie: Movie,
    controls: RowControls<UpdateMovie, DeleteMovie>,
    selection: Option<Selection>,
) -> impl IntoView {
    let select_label = movie.title.clone();
    let id = movie.id;
    let anchor = format!("movie-{id}");
    let datetime = dates::datetime_attr(&movie.release_date);
    let state = controls.state();
    let editing = movie.clone();
    let open = controls.is_open(id);
    let actions = controls.cell(
        id,
        movie.version,
        anchor.clone(),
        movie.title.clone(),
        3 + usize::from(selection.is_some()),
        move |update| {
            view! { <EditMovie movie=editing.clone() update state changed=controls.changed() /> }
        },
        DeleteForm::view,
    );
    let (title, poster) = (movie.title, movie.poster);
    let shown = dates::to_display(&movie.release_date);
    view! {
        <tr id=anchor data-movie-id=id>
            // While the row's editor is open it spans the row in place of these cells.
            {reactive(move || (!open()).then(|| view! {
                {selection.map(|selection| view! { <SelectRow selection id label=select_label.clone() /> })}
                <td class="primary">
                    <a class="with-face" href=format!("/movies/{id}")>
                        <Face picture=poster.clone() name=title.clone() poster=true />
                        <span>{title.clone()}</span>
                    </a>
                </td>
                <td data-label="Release date"><time datetime=datetime.clone()>{shown.clone()}</time></td>
            }))}
            {actions}
        </tr>
    }
}

/// The row's editor. It sends the version it showed; see `conflict` for what happens when
/// someone else saved first.
#[component]
fn EditMovie(
    movie: Movie,
    update: RowAction<UpdateMovie>,
    state: Memo<ListState>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let id = movie.id;
    let prefix = format!("movie-{id}");
    let ymd = dates::to_ymd(&movie.release_date);
    let error = update.rows.error_for(id);
    let pending = update.rows.pending_for(id);
    let version = conflict::version_to_send::<Movie>(movie.version, error);
    // What was typed, when a page rendered without JavaScript brings a conflict back.
    let sent = error.get_untracked();
    let value =
        move |field: &str, shown: String| conflict::submitted(&sent, field).unwrap_or(shown);
    let discard_href = Signal::derive(move || state.get().closed_href());
    let reload = Callback::new(move |_| changed.update(|n| *n += 1));
    view! {
        <p class="editor-title">"Editing " <strong>{movie.title.clone()}</strong></p>
        {conflict::conflict_message::<Movie>(error, discard_href, reload, false)}
        <ActionForm action=update.action attr:class="form-row row-editor">
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="version" value=version />
            // What the form first showed (after a conflict without JavaScript, still that).
            <input type="hidden" name="previous_date" value=value("previous_date", ymd.clone()) />
            <input type="hidden" name="previous_title" value=value("previous_title", movie.title.clone()) />
            <Field label="Title" name="title" id=format!("{prefix}-title") value=value("title", movie.title) required=true max_length=MAX_NAME_CHARS autofocus=true error />
            <Field label="Release date (empty if not yet scheduled)" name="release_date" id=format!("{prefix}-release-date") kind="date" value=value("release_date", ymd) error />
            <div class="form-buttons">
                <button class="button" type="submit" disabled=pending>
                    {move || match (pending(), conflict::current::<Movie>(error.get()).is_some()) {
                        (true, _) => "Saving…",
                        (false, true) => "Apply my changes",
                        (false, false) => "Save",
                    }}
                </button>
                <CancelLink state />
            </div>
        </ActionForm>
        <FormError error fields=MOVIE_FIELDS />
    }
}

#[component]
pub fn MoviePage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let movie = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_movie(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <p><a href="/movies">"← All movies"</a></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {suspended(move || async move {
                let user = session.await.ok().and_then(|s| s.user);
                let can_edit_cast = user.is_some_and(|u| u.can(Permission::PatchMovies));
                match movie.await {
                    Ok(Some(movie)) => EitherOf4::A(view! { <MovieDetails movie can_edit_cast /> }),
                    Ok(None) => EitherOf4::B(view! { <RecordNotFound what="movie" back="/movies" /> }),
                    Err(err) if err.status == 404 => EitherOf4::B(view! { <RecordNotFound what="movie" back="/movies" /> }),
                    Err(err) if err.is_unauthenticated() => EitherOf4::C(view! { <SignInPrompt expired=false what="this movie" /> }),
                    Err(err) => EitherOf4::D(view! { <LoadFailed error=err /> }),
                }
            })}
        </Suspense>
    }
}

/// A movie's page, kept current as others change it.
#[component]
fn MovieDetails(movie: Movie, can_edit_cast: bool) -> impl IntoView {
    let id = movie.id;
    let shown = RwSignal::new(movie);
    let gone = RwSignal::new(None);
    follow_record("movie", id, shown, gone);
    let title = move || shown.with(|m| m.title.clone());
    let poster = Signal::derive(move || shown.with(|m| m.poster.clone()));
    let on_saved = Callback::new(move |record: serde_json::Value| {
        if let Ok(movie) = serde_json::from_value::<Movie>(record) {
            shown.set(movie);
        }
    });
    view! {
        <Title text=crate::app::record_title(shown, |m: &Movie| m.title.clone()) />
        <h1>{title}</h1>
        <DeletedNotice gone back="/movies" />
        <div class="record-head">
            <PictureCard picture=poster name=Signal::derive(title) owner=PictureOwner::Movie />
            <div>
                <dl class="details">
                    <dt>"Release date"</dt>
                    <dd>{move || shown.with(|m| view! {
                        <time datetime=dates::datetime_attr(&m.release_date)>{dates::to_display(&m.release_date)}</time>
                    })}</dd>
                </dl>
                {can_edit_cast.then(|| view! {
                    <PictureUploader owner=PictureOwner::Movie id
                        has_picture=Signal::derive(move || poster.with(Option::is_some)) on_saved />
                })}
            </div>
        </div>
        <CastSection movie_id=id can_edit=can_edit_cast />
        <HistorySection kind="movie" id />
    }
}

crate::app::row_actions::row_actions_for!(UpdateMovie, DeleteMovie);
