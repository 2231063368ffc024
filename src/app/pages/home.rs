use leptos::{either::Either, prelude::*};
use leptos_meta::Title;

use crate::{
    app::{
        live::{LiveMessage, reload_on},
        suspended::suspended,
        use_session,
    },
    model::{Actor, AppError, Movie, Permission, UserInfo, dates},
    rpc::session_info::{Counts, get_counts},
};

/// Dashboard: what the person can do here, how much there is, what was added last. The raw
/// permission names are kept in a disclosure for whoever needs them (support, admins).
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let changed = RwSignal::new(0u32);
    let counts = Resource::new(move || changed.get(), |_| get_counts());
    // Records added, deleted or restored by anyone move the figures and the newest lists.
    reload_on(
        |message| match message {
            LiveMessage::Resync => true,
            LiveMessage::Change(c) => c.entity != "casting" && c.action != "update",
        },
        || false,
        changed,
    );
    view! {
        <Title text="Dashboard" />
        <h1>"Casting Agency"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {suspended(move || async move {
                let session = session.await.ok();
                let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
                    let expired = session.is_some_and(|s| s.expired);
                    return Either::Left(view! {
                        <p class="lead">"Manage actors and movies, and cast one into the other."</p>
                        <crate::app::session_ui::SignInPrompt expired what="the dashboard" />
                    });
                };
                Either::Right(view! { <Dashboard user counts /> })
            })}
        </Suspense>
    }
}

#[component]
fn Dashboard(user: UserInfo, counts: Resource<Result<Counts, AppError>>) -> impl IntoView {
    let role = user.role();
    let greeting = match role {
        Some(role) => format!("You are signed in as {}. {}", role.title(), role.summary()),
        None => "You are signed in with a custom set of permissions.".to_owned(),
    };
    let shortcuts = [
        (Permission::PostActors, "/actors#new-actor", "Add an actor"),
        (Permission::PostMovies, "/movies#new-movie", "Add a movie"),
        (Permission::PatchMovies, "/movies", "Cast actors in a movie"),
    ];
    view! {
        <p class="lead">{greeting}</p>
        // Only the figures and lists reload when others change something; the rest (an open
        // disclosure) stays as the person left it.
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {suspended(move || async move {
                let counts = counts.await.ok();
                view! { <Figures counts /> }
            })}
        </Transition>
        <div class="shortcuts">
            {shortcuts
                .into_iter()
                .filter(|(needs, _, _)| user.can(*needs))
                .map(|(_, href, text)| view! { <a class="button" href=href>{text}</a> })
                .collect_view()}
        </div>
        <Transition fallback=|| ()>
            {suspended(move || async move {
                let (actors, movies) = counts
                    .await
                    .map(|c| (c.newest_actors, c.newest_movies))
                    .unwrap_or_default();
                view! {
                    <div class="recent">
                        {(!actors.is_empty()).then(|| view! { <NewestActors list=actors /> })}
                        {(!movies.is_empty()).then(|| view! { <NewestMovies list=movies /> })}
                    </div>
                }
            })}
        </Transition>
        <p><a href="/activity">"See all recent activity →"</a></p>
        <details class="permissions-detail">
            <summary>"Your permissions, as the API names them"</summary>
            <ul class="permissions">
                {user.permissions.iter().map(|p| view! {
                    <li><code>{p.as_str()}</code>" " {p.ability()}</li>
                }).collect_view()}
            </ul>
        </details>
    }
}

/// How many actors and movies there are ("—" when the role may not read them).
#[component]
fn Figures(counts: Option<Counts>) -> impl IntoView {
    let figure = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_else(|| "—".into());
    let (actors, movies) =
        (counts.as_ref().and_then(|c| c.actors), counts.as_ref().and_then(|c| c.movies));
    view! {
        <div class="cards">
            <a class="card" href="/actors">
                <span class="card-figure" data-testid="actor-count">{figure(actors)}</span>
                <span class="card-label">"Actors"</span>
            </a>
            <a class="card" href="/movies">
                <span class="card-figure" data-testid="movie-count">{figure(movies)}</span>
                <span class="card-label">"Movies"</span>
            </a>
        </div>
    }
}

#[component]
fn NewestActors(list: Vec<Actor>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="newest-actors">
            <h2 id="newest-actors">"Recently added actors"</h2>
            <ul class="recent-list">
                {list.into_iter().map(|a| view! {
                    <li><a href=format!("/actors/{}", a.id)>{a.name}</a><span class="muted">{format!("{}, {}", a.age, a.gender)}</span></li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn NewestMovies(list: Vec<Movie>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="newest-movies">
            <h2 id="newest-movies">"Recently added movies"</h2>
            <ul class="recent-list">
                {list.into_iter().map(|m| view! {
                    <li><a href=format!("/movies/{}", m.id)>{m.title}</a><span class="muted">{dates::to_display(&m.release_date)}</span></li>
                }).collect_view()}
            </ul>
        </section>
    }
}
