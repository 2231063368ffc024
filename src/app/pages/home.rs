use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    app::use_session,
    model::{Actor, Movie, Permission, UserInfo, dates},
    rpc::session_info::{Counts, get_counts},
};

/// Dashboard: what the person can do here, how much there is, what was added last. The raw
/// permission names are kept in a disclosure for whoever needs them (support, admins).
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let counts = Resource::new(|| (), |_| get_counts());
    view! {
        <Title text="Dashboard" />
        <h1>"Casting Agency"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let session = session.await.ok();
                let Some(user) = session.as_ref().and_then(|s| s.user.clone()) else {
                    let expired = session.is_some_and(|s| s.expired);
                    return view! {
                        <p class="lead">"Manage actors and movies, and cast one into the other."</p>
                        <crate::app::session_ui::SignInPrompt expired what="the dashboard" />
                    }.into_any();
                };
                let counts = counts.await.ok();
                view! { <Dashboard user counts /> }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn Dashboard(user: UserInfo, counts: Option<Counts>) -> impl IntoView {
    let role = user.role();
    let greeting = match role {
        Some(role) => format!("You are signed in as {}. {}", role.title(), role.summary()),
        None => "You are signed in with a custom set of permissions.".to_owned(),
    };
    let figure = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_else(|| "—".into());
    let (actors, movies) =
        (counts.as_ref().and_then(|c| c.actors), counts.as_ref().and_then(|c| c.movies));
    let (newest_actors, newest_movies) =
        counts.map(|c| (c.newest_actors, c.newest_movies)).unwrap_or_default();
    let shortcuts = [
        (Permission::PostActors, "/actors#new-actor", "Add an actor"),
        (Permission::PostMovies, "/movies#new-movie", "Add a movie"),
        (Permission::PatchMovies, "/movies", "Cast actors in a movie"),
    ];
    view! {
        <p class="lead">{greeting}</p>
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
        <div class="shortcuts">
            {shortcuts
                .into_iter()
                .filter(|(needs, _, _)| user.can(*needs))
                .map(|(_, href, text)| view! { <a class="button" href=href>{text}</a> })
                .collect_view()}
        </div>
        <div class="recent">
            {(!newest_actors.is_empty()).then(|| view! { <NewestActors list=newest_actors /> })}
            {(!newest_movies.is_empty()).then(|| view! { <NewestMovies list=newest_movies /> })}
        </div>
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
