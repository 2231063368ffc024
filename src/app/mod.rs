//! The Leptos application: HTML shell, router, layout. Compiled for the server (SSR) and for
//! the browser (hydration).

mod bulk_select;
mod conflict;
mod forms;
mod list_controls;
pub(crate) mod live;
mod live_list;
mod messages;
mod notices;
mod pages;
#[cfg(feature = "hydrate")]
pub use pages::preload_opened_row;
mod pictures;
mod routes;
pub(crate) mod row_actions;
mod session_ui;
mod suspended;
mod upload;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, ParamSegment, SsrMode, StaticSegment,
    components::{A, Route, Router, Routes},
};

use pages::{ActorsPage, NotFound};
use routes::{
    ActivityRoute, ActorRoute, HomeRoute, ImportActorsRoute, ImportMoviesRoute, LoginRoute,
    MovieRoute, MoviesRoute, TrashRoute,
};
pub use session_ui::{SessionResource, use_session};

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
                // Content-hashed names (cargo-leptos `hash-files`), cached for a year.
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The text of the page title, as the formatter hands it to leptos_meta. On the server,
/// leptos_meta writes it into `<title>` without escaping it (0.8.7), so a name such as
/// `</title><script>…` would end the element and run script; escaping here makes it text. In
/// the browser the title is set through `document.title`, which takes text, so it stays as is.
fn title_text(title: String) -> String {
    #[cfg(feature = "ssr")]
    {
        let mut escaped = String::with_capacity(title.len());
        for c in title.chars() {
            match c {
                '&' => escaped.push_str("&amp;"),
                '<' => escaped.push_str("&lt;"),
                '>' => escaped.push_str("&gt;"),
                '"' => escaped.push_str("&quot;"),
                '\'' => escaped.push_str("&#39;"),
                c => escaped.push(c),
            }
        }
        escaped
    }
    #[cfg(not(feature = "ssr"))]
    {
        title
    }
}

/// The `<title>` text of a record's page, following the record as others change it.
///
/// It reads a reference-counted copy of the signal (`ArcRwSignal`), never the arena-backed
/// `RwSignal`: on the server leptos_meta reads the text of the last `<Title>` built during a
/// render after the render, outside the request's reactive arena (`sandboxed-arenas`), and
/// there an arena-backed signal can neither be read nor asked whether it was disposed: reading
/// one panicked and dropped the connection (about 1% of movie pages under `make bench`; then,
/// after a first fix that read it with `try_with`, 1 in 416 in `tests/api/record_pages.rs` on
/// PostgreSQL, in the arena check). The copy keeps the value alive as long as the title needs it.
pub(crate) fn record_title<T: Send + Sync + 'static>(
    shown: RwSignal<T>,
    text: fn(&T) -> String,
) -> impl Fn() -> String + Send + Sync + 'static {
    let shown = ArcRwSignal::from(shown);
    move || shown.with(text)
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    session_ui::provide_session();
    notices::provide_notices();
    live::provide_live();
    // Effects run only in the browser: `data-hydrated` tells tests (and curious people) that
    // the WASM has taken over the server-rendered page.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    // While the router loads the next page: a lazily loaded page's code comes over the network
    // first (app/routes.rs), and until it has, the old page stays as it is.
    let (routing, set_routing) = signal(false);

    view! {
        <Title formatter=|page: String| title_text(format!("{page} · Casting Agency")) />
        <Router set_is_routing=set_routing>
            <div class="layout" data-hydrated=move || hydrated.get().to_string()>
                {move || routing.get().then(|| view! {
                    <div class="route-progress" role="status">
                        <span class="visually-hidden">"Loading the page…"</span>
                    </div>
                })}
                <a class="skip-link" href="#content">"Skip to content"</a>
                <header class="topbar">
                    <A href="/" attr:class="brand">"Casting Agency"</A>
                    <nav aria-label="Main">
                        <A href="/actors">"Actors"</A>
                        <A href="/movies">"Movies"</A>
                        <A href="/activity">"Activity"</A>
                        <session_ui::TrashLink />
                    </nav>
                    <session_ui::UserBadge />
                </header>
                <session_ui::LocalModeBanner />
                <notices::NoticeRegion />
                <main class="page" id="content">
                    <Routes fallback=NotFound>
                        <Route path=StaticSegment("") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                        <Route path=StaticSegment("login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                        <Route path=StaticSegment("actors") view=ActorsPage ssr=SsrMode::Async />
                        <Route path=(StaticSegment("actors"), ParamSegment("id")) view={Lazy::<ActorRoute>::new()} ssr=SsrMode::Async />
                        <Route path=StaticSegment("movies") view={Lazy::<MoviesRoute>::new()} ssr=SsrMode::Async />
                        <Route path=StaticSegment("activity") view={Lazy::<ActivityRoute>::new()} ssr=SsrMode::Async />
                        <Route path=StaticSegment("trash") view={Lazy::<TrashRoute>::new()} ssr=SsrMode::Async />
                        <Route path=(StaticSegment("import"), StaticSegment("actors")) view={Lazy::<ImportActorsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=(StaticSegment("import"), StaticSegment("movies")) view={Lazy::<ImportMoviesRoute>::new()} ssr=SsrMode::Async />
                        <Route path=(StaticSegment("movies"), ParamSegment("id")) view={Lazy::<MovieRoute>::new()} ssr=SsrMode::Async />
                    </Routes>
                </main>
            </div>
        </Router>
    }
}
