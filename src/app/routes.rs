//! Pages the router loads lazily: with `cargo leptos --split`, each page below is compiled
//! into its own WASM chunk, fetched when a person first navigates to it (or preloaded by the
//! server's HTML when it is the page being loaded). `/actors` stays in the main module: the
//! list pages' shared machinery (rows, their editors, search, paging, selection) then lives
//! there once, instead of in dozens of small shared chunks that a lazily loaded list page
//! pulled in, each compressed on its own, which cost more than the split saved
//! (docs/web-budget.md).

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use super::pages::{
    ActivityPage, ActorPage, HomePage, ImportKind, ImportPage, LoginPage, MoviePage, MoviesPage,
    TrashPage,
};

/// A route whose view is a split point; pages load their own data, so `data` holds nothing.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $view:expr) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                $view.into_any()
            }
        }
    };
}

lazy_page!(
    /// `/`: the dashboard.
    HomeRoute => view! { <HomePage /> }
);
lazy_page!(
    /// `/login`: sign-in.
    LoginRoute => view! { <LoginPage /> }
);
lazy_page!(
    /// `/actors/:id`: one actor.
    ActorRoute => view! { <ActorPage /> }
);
lazy_page!(
    /// `/movies`: the list of movies.
    MoviesRoute => view! { <MoviesPage /> }
);
lazy_page!(
    /// `/movies/:id`: one movie and its cast.
    MovieRoute => view! { <MoviePage /> }
);
lazy_page!(
    /// `/activity`: the change journal.
    ActivityRoute => view! { <ActivityPage /> }
);
lazy_page!(
    /// `/trash`: deleted records, to restore.
    TrashRoute => view! { <TrashPage /> }
);
lazy_page!(
    /// `/import/actors`: a spreadsheet of actors.
    ImportActorsRoute => view! { <ImportPage kind=ImportKind::Actors /> }
);
lazy_page!(
    /// `/import/movies`: a spreadsheet of movies.
    ImportMoviesRoute => view! { <ImportPage kind=ImportKind::Movies /> }
);
