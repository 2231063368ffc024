//! The HTTP surface: REST routes (thin handlers over the service layer), health checks, local
//! sign-in, content negotiation with the web app, and JSON errors everywhere.

mod actors;
mod auth0;
pub mod body;
mod castings;
mod fallback;
mod health;
mod id;
mod local_auth;
mod movies;
pub mod negotiate;
pub mod query;
mod session;

use axum::{
    Router,
    routing::{get, post, put},
};

use crate::server::startup::AppState;

/// Paths served by REST routes. A web page at one of these paths is reached through content
/// negotiation (see [`negotiate`]), never registered as a second route.
pub const REST_PATHS: &[&str] = &["/", "/actors", "/actors/{id}", "/movies", "/movies/{id}"];

/// The REST API, with browser navigations on its paths handed to the web app.
pub fn rest_routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(health::home))
        .route("/actors", get(actors::list).post(actors::create))
        .route("/actors/{id}", get(actors::show).patch(actors::update).delete(actors::delete))
        .route("/movies", get(movies::list).post(movies::create))
        .route("/movies/{id}", get(movies::show).patch(movies::update).delete(movies::delete))
        .route("/movies/{id}/actors", get(castings::cast))
        .route("/movies/{id}/actors/{actor_id}", put(castings::assign).delete(castings::unassign))
        .route("/actors/{id}/movies", get(castings::filmography))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            negotiate::pages_for_browsers,
        ))
}

/// Liveness and readiness, for load balancers and orchestrators.
pub fn health_routes() -> Router<AppState> {
    Router::new().route("/healthz", get(health::healthz)).route("/readyz", get(health::readyz))
}

/// Local sign-in; mounted only when Auth0 is not configured.
pub fn local_auth_routes() -> Router<AppState> {
    Router::new()
        .route("/auth/dev-token", post(local_auth::dev_token))
        .route("/.well-known/jwks.json", get(local_auth::jwks))
        .route("/auth/local-login", post(session::local_login))
}

/// Auth0 sign-in for the web app; mounted only with Auth0 and a client id configured.
pub fn auth0_routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", get(auth0::login))
        .route("/auth/callback", get(auth0::callback))
}

/// Web-app sign-in and sign-out.
pub fn session_routes() -> Router<AppState> {
    Router::new().route("/auth/logout", post(session::logout))
}

pub use fallback::{json_error_bodies, not_found};
