//! `GET /` for API clients (seed 004's home route), liveness and readiness.

use std::time::Duration;

use axum::{Json, extract::State};
use serde_json::{Value, json};

use crate::server::{ApiError, db::Backend, startup::AppState};

pub async fn home() -> Json<Value> {
    Json(json!({ "success": true, "home_route": true }))
}

/// Liveness: the process answers. Touches nothing else.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "success": true, "status": "ok" }))
}

/// Readiness: the database answers `SELECT 1` within a second; 503 otherwise.
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let db = state.core.service.db();
    db.ping(Duration::from_secs(1)).await.map_err(|err| ApiError::Unavailable(Some(err)))?;
    let database = match db.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    Ok(Json(json!({ "success": true, "status": "ready", "database": database })))
}
