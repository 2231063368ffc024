//! The Leptos application: HTML shell, router and pages. Compiled for the server (SSR) and for
//! the browser (hydration).

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{Route, Router, Routes},
};

/// The HTML document around the app; only rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/casting-agency.css" />
        <Title text="Casting Agency" />
        <Router>
            <header class="topbar">
                <a class="brand" href="/">"Casting Agency"</a>
            </header>
            <main class="page">
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=HomePage />
                </Routes>
            </main>
        </Router>
    }
}

/// Home page. `data-hydrated` flips to `true` once the WASM has taken over the server-rendered
/// HTML (effects only run in the browser), which is what the end-to-end test waits for.
#[component]
fn HomePage() -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let clicks = RwSignal::new(0u32);

    view! {
        <section class="hero" data-hydrated=move || hydrated.get().to_string()>
            <h1>"Casting Agency"</h1>
            <p class="lead">
                "Manage actors and movies, and cast one into the other. "
                "The REST API lives at " <code>"/actors"</code> " and " <code>"/movies"</code> "."
            </p>
            <button
                class="button"
                type="button"
                on:click=move |_| clicks.update(|n| *n += 1)
            >
                {move || format!("Interactive check: clicked {} times", clicks.get())}
            </button>
        </section>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="hero">
            <h1>"Page not found"</h1>
            <p>
                "There is nothing at this address. " <a href="/">"Go to the home page"</a> "."
            </p>
        </section>
    }
}
