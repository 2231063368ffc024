//! `GET /` for API clients: seed 004's home route. A browser asking for HTML gets the web app
//! instead (content negotiation).

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Home {
    success: bool,
    home_route: bool,
}

/// Home
///
/// Seed 004's home route. A browser asking for HTML gets the web app instead.
#[utoipa::path(get, path = "/", tag = "health", operation_id = "home",
    responses((status = OK, description = "The API answers", body = Home)))]
pub async fn home() -> Json<Home> {
    Json(Home { success: true, home_route: true })
}
