use leptos::prelude::*;
use leptos_meta::Title;

use crate::{app::use_session, rpc::session_info::get_counts};

/// Dashboard: who is signed in, what they may do, and how much there is.
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
                let role = user.role().map(|r| r.title()).unwrap_or("a user with custom permissions");
                let counts = counts.await.ok();
                let actors = counts.as_ref().and_then(|c| c.actors);
                let movies = counts.as_ref().and_then(|c| c.movies);
                view! {
                    <p class="lead">"Signed in as " <strong>{role}</strong> "."</p>
                    <div class="cards">
                        <a class="card" href="/actors">
                            <span class="card-figure" data-testid="actor-count">
                                {actors.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}
                            </span>
                            <span class="card-label">"Actors"</span>
                        </a>
                        <a class="card" href="/movies">
                            <span class="card-figure" data-testid="movie-count">
                                {movies.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}
                            </span>
                            <span class="card-label">"Movies"</span>
                        </a>
                    </div>
                    <h2>"Your permissions"</h2>
                    <ul class="permissions">
                        {user.permissions.iter().map(|p| view! { <li><code>{p.as_str()}</code></li> }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Suspense>
    }
}
