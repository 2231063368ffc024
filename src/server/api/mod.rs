//! The HTTP surface: REST routes (thin handlers over the service layer), health checks, local
//! sign-in, content negotiation with the web app, and JSON errors everywhere.

pub mod accept;
pub mod edge;
pub mod extract;
pub mod metrics;
pub mod openapi;
mod rest;
mod signin;
pub mod state;

use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};
use utoipa_swagger_ui::SwaggerUi;

use state::AppState;

/// Paths served by REST routes. A web page at one of these paths is reached through content
/// negotiation (see [`negotiate`]), never registered as a second route.
pub const REST_PATHS: &[&str] =
    &["/", "/actors", "/actors/{id}", "/movies", "/movies/{id}", "/trash"];

/// Which optional route groups a server mounts.
pub struct Mounted {
    /// Local sign-in (when Auth0 is not configured).
    pub local_auth: bool,
    /// Auth0 sign-in for the web app (when Auth0 and a client id are configured).
    pub auth0: bool,
    /// `GET /metrics` on the app's port (when `METRICS_TOKEN` is set).
    pub metrics: bool,
}

/// Every route outside the web app, with its OpenAPI document (which therefore lists exactly
/// the routes served), plus `/openapi.json` and Swagger UI at `/docs`.
pub fn routes(state: &AppState, mounted: Mounted) -> axum::Router<AppState> {
    let mut router = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(rest_routes(state))
        .merge(health_routes())
        .merge(live_routes())
        .merge(picture_routes())
        .merge(spreadsheet_routes())
        .merge(session_routes());
    if mounted.local_auth {
        router = router.merge(local_auth_routes());
    }
    if mounted.auth0 {
        router = router.merge(auth0_routes());
    }
    let (mut router, mut doc) = router.split_for_parts();
    openapi::add_error_responses(&mut doc);
    // For the operator's scraper, not the API's clients: not in the OpenAPI document.
    if mounted.metrics {
        router = router.route("/metrics", axum::routing::get(metrics::with_token));
    }
    router.merge(SwaggerUi::new("/docs").url("/openapi.json", doc))
}

/// The REST API, with browser navigations on its paths handed to the web app.
fn rest_routes(state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rest::home::home))
        .routes(routes!(rest::actors::list, rest::actors::create))
        .routes(routes!(rest::actors::show, rest::actors::update, rest::actors::delete))
        .routes(routes!(rest::movies::list, rest::movies::create))
        .routes(routes!(rest::movies::show, rest::movies::update, rest::movies::delete))
        .routes(routes!(rest::castings::cast))
        .routes(routes!(rest::castings::assign, rest::castings::unassign))
        .routes(routes!(rest::castings::filmography))
        .routes(routes!(rest::changes::feed))
        .routes(routes!(rest::changes::actor_history))
        .routes(routes!(rest::changes::movie_history))
        .routes(routes!(rest::actors::restore))
        .routes(routes!(rest::movies::restore))
        .routes(routes!(rest::trash::list))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            edge::negotiate::pages_for_browsers,
        ))
}

/// Headshots and posters; outside content negotiation: a browser opening a picture's URL
/// (or posting the upload form) wants the picture's answer, not a page.
fn picture_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            rest::pictures::show_actor_photo,
            rest::pictures::put_actor_photo,
            rest::pictures::post_actor_photo,
            rest::pictures::delete_actor_photo
        ))
        .routes(routes!(
            rest::pictures::show_movie_poster,
            rest::pictures::put_movie_poster,
            rest::pictures::post_movie_poster,
            rest::pictures::delete_movie_poster
        ))
}

/// Imports and bulk actions: writes only, outside content negotiation (which is for GETs).
fn spreadsheet_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rest::spreadsheets::import_actors))
        .routes(routes!(rest::spreadsheets::import_movies))
        .routes(routes!(rest::bulk::delete_actors))
        .routes(routes!(rest::bulk::delete_movies))
        .routes(routes!(rest::bulk::restore_actors))
        .routes(routes!(rest::bulk::restore_movies))
        .routes(routes!(rest::changes::undo_batch))
}

/// The live event stream; outside content negotiation (a browser's EventSource asks for
/// `text/event-stream`, never a page).
fn live_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(rest::events::events))
}

/// Liveness and readiness, for load balancers and orchestrators.
fn health_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rest::health::healthz))
        .routes(routes!(rest::health::readyz))
}

/// Local sign-in; mounted only when Auth0 is not configured.
fn local_auth_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signin::tokens::dev_token))
        .routes(routes!(signin::tokens::jwks))
        .routes(routes!(signin::forms::local_login))
}

/// Auth0 sign-in for the web app; mounted only with Auth0 and a client id configured.
fn auth0_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signin::auth0::login))
        .routes(routes!(signin::auth0::callback))
}

/// Web-app sign-out.
fn session_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(signin::forms::logout))
}

pub use edge::fallback::{json_error_bodies, not_found};
