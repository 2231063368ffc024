//! Liveness and readiness, for load balancers and orchestrators.

use std::time::Duration;

use axum::{Json, extract::State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::server::{ApiError, api::state::AppState, db::Backend};

#[derive(Serialize, ToSchema)]
pub struct Health {
    success: bool,
    #[schema(example = "ok")]
    status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Ready {
    success: bool,
    #[schema(example = "ready")]
    status: &'static str,
    /// `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    database: &'static str,
}

/// Liveness
///
/// The process answers. Touches nothing else.
#[utoipa::path(get, path = "/healthz", tag = "health", operation_id = "healthz",
    responses((status = OK, description = "Alive", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { success: true, status: "ok" })
}

/// Readiness
///
/// The database answers `SELECT 1` within a second; 503 otherwise.
#[utoipa::path(get, path = "/readyz", tag = "health", operation_id = "readyz",
    responses(
        (status = OK, description = "Ready to serve", body = Ready),
        (status = SERVICE_UNAVAILABLE, description = "The database does not answer", body = crate::server::ErrorBody),
    ))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Ready>, ApiError> {
    let db = state.core.service.db();
    db.ping(Duration::from_secs(1)).await.map_err(|err| ApiError::Unavailable(Some(err)))?;
    let database = match db.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    Ok(Json(Ready { success: true, status: "ready", database }))
}
