//! Several records at once: `POST /actors/bulk-delete`, `/actors/bulk-restore` and the same
//! for movies. All or nothing, with the single delete's 404 and 412 rules per id.

use axum::{Json, extract::State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    model::spreadsheet::BulkIds,
    server::{ApiError, ErrorBody, api::extract::body::JsonBody, auth::Writer, service::Service},
};

#[derive(Serialize, ToSchema)]
pub struct BulkDeleted {
    success: bool,
    /// The ids moved to the trash, ascending.
    deleted: Vec<i64>,
    /// Casting assignments removed with them.
    assignments_removed: i64,
}

#[derive(Serialize, ToSchema)]
pub struct BulkRestored {
    success: bool,
    /// The ids back from the trash, ascending.
    restored: Vec<i64>,
    /// The cast links put back (those whose other side still exists).
    links_restored: usize,
}

fn deleted<T>(
    gone: Vec<crate::server::service::Deleted<T>>,
    id: fn(&T) -> i64,
) -> Json<BulkDeleted> {
    Json(BulkDeleted {
        success: true,
        deleted: gone.iter().map(|g| id(&g.item)).collect(),
        assignments_removed: gone.iter().map(|g| g.assignments_removed).sum(),
    })
}

fn restored<T>(
    back: Vec<crate::server::service::Restored<T>>,
    id: fn(&T) -> i64,
) -> Json<BulkRestored> {
    Json(BulkRestored {
        success: true,
        restored: back.iter().map(|b| id(&b.item)).collect(),
        links_restored: back.iter().map(|b| b.links.len()).sum(),
    })
}

/// Delete several actors
///
/// Moves each listed actor (at most 1,000) to the trash with their casting assignments, in one
/// transaction: if any is missing (404) or, with `versions`, has changed since that version
/// (412), none is deleted. `POST /actors/bulk-restore` with the same ids undoes it.
#[utoipa::path(post, path = "/actors/bulk-delete", tag = "actors", operation_id = "bulk_delete_actors",
    request_body = BulkIds,
    security(("bearer" = ["delete:actors"])),
    responses((status = OK, description = "Every listed actor is in the trash", body = BulkDeleted),
        (status = NOT_FOUND, description = "A listed actor does not exist; nothing was deleted", body = ErrorBody),
        (status = PRECONDITION_FAILED, description = "A listed actor is no longer at its `versions` entry; nothing was deleted", body = ErrorBody)))]
pub async fn delete_actors(
    State(svc): State<Service>,
    who: Writer,
    body: JsonBody,
) -> Result<Json<BulkDeleted>, ApiError> {
    Ok(deleted(svc.delete_actors(&who, body).await?, |a| a.id))
}

/// Delete several movies
///
/// As `POST /actors/bulk-delete`.
#[utoipa::path(post, path = "/movies/bulk-delete", tag = "movies", operation_id = "bulk_delete_movies",
    request_body = BulkIds,
    security(("bearer" = ["delete:movies"])),
    responses((status = OK, description = "Every listed movie is in the trash", body = BulkDeleted),
        (status = NOT_FOUND, description = "A listed movie does not exist; nothing was deleted", body = ErrorBody),
        (status = PRECONDITION_FAILED, description = "A listed movie is no longer at its `versions` entry; nothing was deleted", body = ErrorBody)))]
pub async fn delete_movies(
    State(svc): State<Service>,
    who: Writer,
    body: JsonBody,
) -> Result<Json<BulkDeleted>, ApiError> {
    Ok(deleted(svc.delete_movies(&who, body).await?, |m| m.id))
}

/// Restore several actors
///
/// Brings each listed actor back from the trash, or none (404 when one is not there).
/// `versions` is not used.
#[utoipa::path(post, path = "/actors/bulk-restore", tag = "trash", operation_id = "bulk_restore_actors",
    request_body = BulkIds,
    security(("bearer" = ["delete:actors"])),
    responses((status = OK, description = "Every listed actor is back", body = BulkRestored),
        (status = NOT_FOUND, description = "A listed actor is not in the trash; nothing was restored", body = ErrorBody)))]
pub async fn restore_actors(
    State(svc): State<Service>,
    who: Writer,
    body: JsonBody,
) -> Result<Json<BulkRestored>, ApiError> {
    Ok(restored(svc.restore_actors(&who, body).await?, |a| a.id))
}

/// Restore several movies
///
/// As `POST /actors/bulk-restore`.
#[utoipa::path(post, path = "/movies/bulk-restore", tag = "trash", operation_id = "bulk_restore_movies",
    request_body = BulkIds,
    security(("bearer" = ["delete:movies"])),
    responses((status = OK, description = "Every listed movie is back", body = BulkRestored),
        (status = NOT_FOUND, description = "A listed movie is not in the trash; nothing was restored", body = ErrorBody)))]
pub async fn restore_movies(
    State(svc): State<Service>,
    who: Writer,
    body: JsonBody,
) -> Result<Json<BulkRestored>, ApiError> {
    Ok(restored(svc.restore_movies(&who, body).await?, |m| m.id))
}
