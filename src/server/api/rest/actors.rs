//! `/actors` and `/actors/{id}`. Responses carry the union of both seed APIs' fields, so
//! clients written for either keep working.

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

use super::spreadsheets;
use super::trash::{IfMatchHeader, IfNoneMatchHeader, RestoredLink};
use crate::server::api::{
    extract::body::JsonBody,
    extract::conditional::{IfMatch, IfNoneMatch, etag},
    extract::format::Format,
    extract::id::Id,
    extract::principal::ListReader,
    extract::query::{ActorListParams, Paging, QueryParams},
};
use crate::{
    model::{Actor, ActorPatch, Credit, NewActor, spreadsheet::ACTOR_COLUMNS},
    server::{
        ApiError,
        auth::{Principal, Writer},
        service::Service,
    },
};

#[derive(Serialize, ToSchema)]
pub struct ActorList {
    success: bool,
    #[schema(value_type = Vec<Actor>)]
    actors: std::sync::Arc<[Actor]>,
    /// Every match, whether or not all are in this response.
    all_actors: i64,
    #[serde(flatten)]
    paging: Paging,
}

#[derive(Serialize, ToSchema)]
pub struct ActorShown {
    success: bool,
    actor: ActorDetail,
}

/// The actor with its filmography (present when the caller may read both tables).
#[derive(Serialize, ToSchema)]
pub struct ActorDetail {
    #[serde(flatten)]
    actor: Actor,
    #[serde(skip_serializing_if = "Option::is_none")]
    movies: Option<Vec<Credit>>,
}

#[derive(Serialize, ToSchema)]
pub struct ActorCreated {
    success: bool,
    actors: [Actor; 1],
    created: i64,
    new_actor: Actor,
}

#[derive(Serialize, ToSchema)]
pub struct ActorUpdated {
    success: bool,
    actors: [Actor; 1],
    actor_before: Actor,
    modified_actor: Actor,
}

#[derive(Serialize, ToSchema)]
pub struct ActorDeleted {
    success: bool,
    deleted: i64,
    deleted_actor_id: i64,
    deleted_actor: Actor,
    number_of_actors_before: i64,
    number_of_actors_after: i64,
    /// Casting assignments removed with it.
    assignments_removed: i64,
}

/// List actors
///
/// Without `page` or `per_page`: every match in id order (at most 1,000), as the seed APIs
/// answered. With either: that page, plus `page`, `per_page` and `total`. With
/// `Accept: text/csv` or `?format=csv`: every match (no cap, paging ignored) as a CSV download,
/// streamed (cells a spreadsheet would run as formulas start with `'`).
#[utoipa::path(get, path = "/actors", tag = "actors", operation_id = "list_actors",
    params(ActorListParams),
    security(("bearer" = ["get:actors"]), ("session" = [])),
    responses((status = OK, description = "The matching actors",
        content((ActorList = "application/json"), (String = "text/csv")))))]
pub async fn list(
    State(svc): State<Service>,
    ListReader(who): ListReader,
    format: Format,
    params: QueryParams,
) -> Result<Response, ApiError> {
    if let Format::Csv { bom } = format {
        let batches = svc.export_actors(&who, params)?;
        return Ok(spreadsheets::download(
            "actors",
            &ACTOR_COLUMNS,
            batches,
            spreadsheets::actor_row,
            bom,
        ));
    }
    let listing = svc.list_actors(&who, params).await?;
    let paging = Paging::of(listing.page, listing.total);
    Ok(Json(ActorList { success: true, actors: listing.items, all_actors: listing.total, paging })
        .into_response())
}

/// Show an actor
///
/// With the movies they are cast in when the caller may also read movies. `ETag` is the
/// actor's version; `If-None-Match` with it answers 304 while the actor is unchanged.
#[utoipa::path(get, path = "/actors/{id}", tag = "actors", operation_id = "get_actor",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id"), IfNoneMatchHeader),
    security(("bearer" = ["get:actors"])),
    responses(
        (status = OK, description = "The actor", body = ActorShown,
            headers(("ETag" = String, description = "The actor's version, quoted: `\"3\"`"))),
        (status = NOT_MODIFIED, description = "Unchanged since the `If-None-Match` version",
            headers(("ETag" = String, description = "The actor's version, quoted"))),
    ))]
pub async fn show(
    State(svc): State<Service>,
    who: Principal,
    Id(id): Id,
    held: IfNoneMatch,
) -> Result<Response, ApiError> {
    let (actor, movies) = svc.actor_with_movies(&who, id).await?;
    let tag = etag(actor.version);
    if held.holds(actor.version)? {
        return Ok((StatusCode::NOT_MODIFIED, tag).into_response());
    }
    Ok((tag, Json(ActorShown { success: true, actor: ActorDetail { actor, movies } }))
        .into_response())
}

/// Add an actor
#[utoipa::path(post, path = "/actors", tag = "actors", operation_id = "create_actor",
    request_body = NewActor,
    security(("bearer" = ["post:actors"])),
    responses((status = OK, description = "The new actor (200, as the seed APIs answered)", body = ActorCreated,
        headers(("ETag" = String, description = "The new actor's version, quoted")))))]
pub async fn create(
    State(svc): State<Service>,
    who: Writer,
    body: JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let actor = svc.create_actor(&who, body).await?;
    Ok((
        etag(actor.version),
        Json(ActorCreated {
            success: true,
            created: actor.id,
            actors: [actor.clone()],
            new_actor: actor,
        }),
    ))
}

/// Change an actor
///
/// Absent fields keep their value; at least one field is required. With `If-Match`, only if
/// the actor is still at that version (412 with the current actor otherwise).
#[utoipa::path(patch, path = "/actors/{id}", tag = "actors", operation_id = "update_actor",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id"), IfMatchHeader),
    request_body = ActorPatch,
    security(("bearer" = ["patch:actors"])),
    responses((status = OK, description = "The actor before and after", body = ActorUpdated,
        headers(("ETag" = String, description = "The actor's new version, quoted")))))]
pub async fn update(
    State(svc): State<Service>,
    who: Writer,
    Id(id): Id,
    IfMatch(precondition): IfMatch,
    body: JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let change = svc.update_actor(&who, id, &precondition, body).await?;
    Ok((
        etag(change.after.version),
        Json(ActorUpdated {
            success: true,
            actors: [change.after.clone()],
            actor_before: change.before,
            modified_actor: change.after,
        }),
    ))
}

/// Delete an actor
///
/// Moves them to the trash with their casting assignments, in one transaction
/// (`POST /actors/{id}/restore` brings them back). With `If-Match`, only if the actor is
/// still at that version.
#[utoipa::path(delete, path = "/actors/{id}", tag = "actors", operation_id = "delete_actor",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id"), IfMatchHeader),
    security(("bearer" = ["delete:actors"])),
    responses((status = OK, description = "The deleted actor and the counts", body = ActorDeleted,
        headers(("ETag" = String, description = "The version the delete gave the actor (in the trash), quoted")))))]
pub async fn delete(
    State(svc): State<Service>,
    who: Writer,
    Id(id): Id,
    IfMatch(precondition): IfMatch,
) -> Result<impl IntoResponse, ApiError> {
    let gone = svc.delete_actor(&who, id, &precondition).await?;
    Ok((
        etag(gone.version),
        Json(ActorDeleted {
            success: true,
            deleted: gone.item.id,
            deleted_actor_id: gone.item.id,
            deleted_actor: gone.item,
            number_of_actors_before: gone.count_before,
            number_of_actors_after: gone.count_after,
            assignments_removed: gone.assignments_removed,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ActorRestored {
    success: bool,
    /// Back under its id, at its version +1.
    actor: Actor,
    /// The cast links put back (those whose movie still exists).
    restored_links: Vec<RestoredLink>,
}

/// Restore an actor
///
/// Brings a deleted actor back from the trash with their id, their version +1, and each
/// casting assignment the delete removed whose movie still exists. 404 when the actor is not
/// in the trash (never deleted, already restored, or purged).
#[utoipa::path(post, path = "/actors/{id}/restore", tag = "trash", operation_id = "restore_actor",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id")),
    security(("bearer" = ["delete:actors"])),
    responses((status = OK, description = "The restored actor", body = ActorRestored,
        headers(("ETag" = String, description = "The actor's new version, quoted")))))]
pub async fn restore(
    State(svc): State<Service>,
    who: Writer,
    Id(id): Id,
) -> Result<impl IntoResponse, ApiError> {
    let back = svc.restore_actor(&who, id).await?;
    let restored_links = back.links.into_iter().map(RestoredLink::from).collect();
    Ok((
        etag(back.item.version),
        Json(ActorRestored { success: true, actor: back.item, restored_links }),
    ))
}
