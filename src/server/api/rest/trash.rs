//! The trash: `GET /trash` lists what the caller may restore; the restore routes live with
//! their resources (`POST /actors/{id}/restore`, `POST /movies/{id}/restore`). Also the
//! conditional-request headers the versioned routes document.

use axum::{Json, extract::State};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::server::api::extract::query::{QueryParams, TrashListParams};
use crate::{
    model::journal::TrashItem,
    server::{ApiError, auth::Principal, db::castings::Link, service::Service},
};

/// `If-Match`, as the versioned writes document it.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IfMatchHeader {
    /// Write only if the record is still at this version (its `ETag`, e.g. `"3"`), or `*`
    /// for any existing record; otherwise 412 with the current record. Without it the write
    /// is unconditional.
    #[param(rename = "If-Match", example = "\"3\"")]
    if_match: Option<String>,
}

/// `If-None-Match`, as the versioned reads document it.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IfNoneMatchHeader {
    /// 304 (no body) if the record is still at this version (its `ETag`, e.g. `"3"`).
    #[param(rename = "If-None-Match", example = "\"3\"")]
    if_none_match: Option<String>,
}

/// A cast link put back by a restore.
#[derive(Serialize, ToSchema)]
pub struct RestoredLink {
    movie_id: i64,
    actor_id: i64,
    character: Option<String>,
}

impl From<Link> for RestoredLink {
    fn from(link: Link) -> Self {
        RestoredLink { movie_id: link.movie_id, actor_id: link.actor_id, character: link.character }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TrashList {
    success: bool,
    #[schema(value_type = Vec<TrashItem>)]
    trash: std::sync::Arc<[TrashItem]>,
    /// Everything in the trash the caller may restore, on all pages.
    total: i64,
    page: i64,
    per_page: i64,
}

/// The trash
///
/// Deleted actors (for callers with `delete:actors`) and movies (`delete:movies`), newest
/// delete first, restorable until `purge_after` (`TRASH_RETENTION_DAYS` after the delete).
#[utoipa::path(get, path = "/trash", tag = "trash", operation_id = "list_trash",
    params(TrashListParams),
    security(("bearer" = ["delete:actors"]), ("bearer" = ["delete:movies"])),
    responses((status = OK, description = "One page of the trash", body = TrashList)))]
pub async fn list(
    State(svc): State<Service>,
    who: Principal,
    params: QueryParams,
) -> Result<Json<TrashList>, ApiError> {
    let listing = svc.trash(&who, params).await?;
    let page = listing.page.unwrap_or(crate::model::query::Page { page: 1, per_page: 20 });
    Ok(Json(TrashList {
        success: true,
        trash: listing.items,
        total: listing.total,
        page: page.page,
        per_page: page.per_page,
    }))
}
