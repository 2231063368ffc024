//! The change journal: `/changes` (the activity feed) and each record's history.

use axum::{
    Json,
    extract::{Path, State},
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::server::api::extract::{
    id::Id,
    query::{ChangeListParams, QueryParams},
};
use crate::{
    model::journal::{ChangeEntry, UndoneBatch},
    server::{
        ApiError, ErrorBody,
        auth::{Principal, Writer},
        service::{Listing, Service},
    },
};

#[derive(Serialize, ToSchema)]
pub struct ChangeList {
    success: bool,
    #[schema(value_type = Vec<ChangeEntry>)]
    changes: std::sync::Arc<[ChangeEntry]>,
    /// Every match, on all pages.
    total: i64,
    page: i64,
    per_page: i64,
}

impl From<Listing<ChangeEntry>> for ChangeList {
    fn from(listing: Listing<ChangeEntry>) -> Self {
        let page = listing.page.unwrap_or(crate::model::query::Page { page: 1, per_page: 20 });
        ChangeList {
            success: true,
            changes: listing.items,
            total: listing.total,
            page: page.page,
            per_page: page.per_page,
        }
    }
}

/// The activity feed
///
/// Every change the caller may read (actors with `get:actors`, movies with `get:movies`,
/// castings with both), newest first; with `since`, the changes after that id, oldest first.
#[utoipa::path(get, path = "/changes", tag = "history", operation_id = "list_changes",
    params(ChangeListParams),
    security(("bearer" = ["get:actors"]), ("bearer" = ["get:movies"])),
    responses((status = OK, description = "One page of changes", body = ChangeList)))]
pub async fn feed(
    State(svc): State<Service>,
    who: Principal,
    params: QueryParams,
) -> Result<Json<ChangeList>, ApiError> {
    Ok(Json(svc.changes(&who, params).await?.into()))
}

/// An actor's history
///
/// Their changes and their castings, newest first. Still readable after the actor is deleted;
/// 404 only for an id that never existed.
#[utoipa::path(get, path = "/actors/{id}/history", tag = "history", operation_id = "actor_history",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id"), ChangeListParams),
    security(("bearer" = ["get:actors"])),
    responses((status = OK, description = "One page of changes", body = ChangeList)))]
pub async fn actor_history(
    State(svc): State<Service>,
    who: Principal,
    Id(id): Id,
    params: QueryParams,
) -> Result<Json<ChangeList>, ApiError> {
    Ok(Json(svc.actor_history(&who, id, params).await?.into()))
}

/// A movie's history
///
/// Its changes and its cast's, newest first. Still readable after the movie is deleted; 404
/// only for an id that never existed.
#[utoipa::path(get, path = "/movies/{id}/history", tag = "history", operation_id = "movie_history",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id"), ChangeListParams),
    security(("bearer" = ["get:movies"])),
    responses((status = OK, description = "One page of changes", body = ChangeList)))]
pub async fn movie_history(
    State(svc): State<Service>,
    who: Principal,
    Id(id): Id,
    params: QueryParams,
) -> Result<Json<ChangeList>, ApiError> {
    Ok(Json(svc.movie_history(&who, id, params).await?.into()))
}

/// Undo a batch
///
/// Reverses what one action did to many records at once, named by the `batch` its changes
/// share: an import's records (or a bulk restore's) go to the trash, a bulk delete's come
/// back. One transaction, journaled as a new batch (so the undo can be undone). Records
/// already deleted (or already back) are skipped; if a record an import made has changed since,
/// nothing is undone (412). Needs `delete:actors` or `delete:movies` for the batch's kind.
#[utoipa::path(post, path = "/changes/batches/{batch}/undo", tag = "history", operation_id = "undo_batch",
    params(("batch" = String, Path, description = "A change entry's `batch`", pattern = "^[A-Za-z0-9_-]{22}$", example = "k3Jq0d9uT8m2xWv1bYc4Ag")),
    security(("bearer" = ["delete:actors"]), ("bearer" = ["delete:movies"])),
    responses((status = OK, description = "The batch is undone", body = UndoneBatch),
        (status = NOT_FOUND, description = "No such batch (or none the caller may read)", body = ErrorBody),
        (status = PRECONDITION_FAILED, description = "One of its records has changed since; nothing was undone", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "Not a batch id, a batch that is not undone as a whole (casting several), or one over 10,000 changes", body = ErrorBody)))]
pub async fn undo_batch(
    State(svc): State<Service>,
    who: Writer,
    batch: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<UndoneBatch>, ApiError> {
    let Path(batch) = batch.map_err(|_| ApiError::invalid("batch", "batch must be a batch id"))?;
    Ok(Json(svc.undo_batch(&who, &batch).await?))
}
