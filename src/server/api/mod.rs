//! The HTTP surface: REST routes (thin handlers over the service layer), health checks, local
//! sign-in, content negotiation with the web app, and JSON errors everywhere.

mod actors;
mod auth0;
pub mod body;
mod castings;
mod fallback;
mod health;
pub mod hosts;
mod id;
mod local_auth;
mod movies;
pub mod negotiate;
pub mod openapi;
pub mod paths;
mod principal;
pub mod query;
pub mod security_headers;
pub mod server_fn_responses;
mod session;
pub mod state;

use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};
use utoipa_swagger_ui::SwaggerUi;

use state::AppState;

/// Paths served by REST routes. A web page at one of these paths is reached through content
/// negotiation (see [`negotiate`]), never registered as a second route.
pub const REST_PATHS: &[&str] = &["/", "/actors", "/actors/{id}", "/movies", "/movies/{id}"];

/// Which optional route groups a server mounts.
pub struct Mounted {
    /// Local sign-in (when Auth0 is not configured).
    pub local_auth: bool,
    /// Auth0 sign-in for the web app (when Auth0 and a client id are configured).
    pub auth0: bool,
}

/// Every route outside the web app, with its OpenAPI document (which therefore lists exactly
/// the routes served), plus `/openapi.json` and Swagger UI at `/docs`.
pub fn routes(state: &AppState, mounted: Mounted) -> axum::Router<AppState> {
    let mut router = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(rest_routes(state))
        .merge(health_routes())
        .merge(session_routes());
    if mounted.local_auth {
        router = router.merge(local_auth_routes());
    }
    if mounted.auth0 {
        router = router.merge(auth0_routes());
    }
    let (router, mut doc) = router.split_for_parts();
    openapi::add_error_responses(&mut doc);
    router.merge(SwaggerUi::new("/docs").url("/openapi.json", doc))
}

/// The REST API, with browser navigations on its paths handed to the web app.
fn rest_routes(state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health::home))
        .routes(routes!(actors::list, actors::create))
        .routes(routes!(actors::show, actors::update, actors::delete))
        .routes(routes!(movies::list, movies::create))
        .routes(routes!(movies::show, movies::update, movies::delete))
        .routes(routes!(castings::cast))
        .routes(routes!(castings::assign, castings::unassign))
        .routes(routes!(castings::filmography))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            negotiate::pages_for_browsers,
        ))
}

/// Liveness and readiness, for load balancers and orchestrators.
fn health_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health::healthz)).routes(routes!(health::readyz))
}

/// Local sign-in; mounted only when Auth0 is not configured.
fn local_auth_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(local_auth::dev_token))
        .routes(routes!(local_auth::jwks))
        .routes(routes!(session::local_login))
}

/// Auth0 sign-in for the web app; mounted only with Auth0 and a client id configured.
fn auth0_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(auth0::login)).routes(routes!(auth0::callback))
}

/// Web-app sign-out.
fn session_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(session::logout))
}

pub use fallback::{json_error_bodies, not_found};
