mod activity;
mod actors;
mod cast;
mod history;
mod home;
mod import;
mod login;
mod movies;
mod not_found;
mod trash;

pub use activity::ActivityPage;
#[cfg(feature = "hydrate")]
pub use actors::preload_opened_row;
pub use actors::{ActorPage, ActorsPage};
pub use home::HomePage;
pub use import::{ImportKind, ImportPage};
pub use login::LoginPage;
pub use movies::{MoviePage, MoviesPage};
pub use not_found::NotFound;
pub use trash::TrashPage;
