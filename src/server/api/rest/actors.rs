//! `/actors` and `/actors/{id}`. Responses carry the union of both seed APIs' fields, so
//! clients written for either keep working.

use axum::{Json, extract::State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::server::api::{
    extract::body::JsonBody,
    extract::id::Id,
    extract::query::{ActorListParams, Paging, QueryParams},
};
use crate::{
    model::{Actor, ActorPatch, Credit, NewActor},
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
/// answered. With either: that page, plus `page`, `per_page` and `total`.
#[utoipa::path(get, path = "/actors", tag = "actors", operation_id = "list_actors",
    params(ActorListParams),
    security(("bearer" = ["get:actors"])),
    responses((status = OK, description = "The matching actors", body = ActorList)))]
pub async fn list(
    State(svc): State<Service>,
    who: Principal,
    params: QueryParams,
) -> Result<Json<ActorList>, ApiError> {
    let listing = svc.list_actors(&who, params).await?;
    let paging = Paging::of(listing.page, listing.total);
    Ok(Json(ActorList { success: true, actors: listing.items, all_actors: listing.total, paging }))
}

/// Show an actor
///
/// With the movies they are cast in when the caller may also read movies.
#[utoipa::path(get, path = "/actors/{id}", tag = "actors", operation_id = "get_actor",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id")),
    security(("bearer" = ["get:actors"])),
    responses((status = OK, description = "The actor", body = ActorShown)))]
pub async fn show(
    State(svc): State<Service>,
    who: Principal,
    Id(id): Id,
) -> Result<Json<ActorShown>, ApiError> {
    let (actor, movies) = svc.actor_with_movies(&who, id).await?;
    Ok(Json(ActorShown { success: true, actor: ActorDetail { actor, movies } }))
}

/// Add an actor
#[utoipa::path(post, path = "/actors", tag = "actors", operation_id = "create_actor",
    request_body = NewActor,
    security(("bearer" = ["post:actors"])),
    responses((status = OK, description = "The new actor (200, as the seed APIs answered)", body = ActorCreated)))]
pub async fn create(
    State(svc): State<Service>,
    who: Writer,
    body: JsonBody,
) -> Result<Json<ActorCreated>, ApiError> {
    let actor = svc.create_actor(&who, body).await?;
    Ok(Json(ActorCreated {
        success: true,
        created: actor.id,
        actors: [actor.clone()],
        new_actor: actor,
    }))
}

/// Change an actor
///
/// Absent fields keep their value; at least one field is required.
#[utoipa::path(patch, path = "/actors/{id}", tag = "actors", operation_id = "update_actor",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id")),
    request_body = ActorPatch,
    security(("bearer" = ["patch:actors"])),
    responses((status = OK, description = "The actor before and after", body = ActorUpdated)))]
pub async fn update(
    State(svc): State<Service>,
    who: Writer,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<ActorUpdated>, ApiError> {
    let change = svc.update_actor(&who, id, body).await?;
    Ok(Json(ActorUpdated {
        success: true,
        actors: [change.after.clone()],
        actor_before: change.before,
        modified_actor: change.after,
    }))
}

/// Delete an actor
///
/// Their casting assignments go with them, in the same transaction.
#[utoipa::path(delete, path = "/actors/{id}", tag = "actors", operation_id = "delete_actor",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id")),
    security(("bearer" = ["delete:actors"])),
    responses((status = OK, description = "The deleted actor and the counts", body = ActorDeleted)))]
pub async fn delete(
    State(svc): State<Service>,
    who: Writer,
    Id(id): Id,
) -> Result<Json<ActorDeleted>, ApiError> {
    let gone = svc.delete_actor(&who, id).await?;
    Ok(Json(ActorDeleted {
        success: true,
        deleted: gone.item.id,
        deleted_actor_id: gone.item.id,
        deleted_actor: gone.item,
        number_of_actors_before: gone.count_before,
        number_of_actors_after: gone.count_after,
        assignments_removed: gone.assignments_removed,
    }))
}
