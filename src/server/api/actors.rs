//! `/actors` and `/actors/{id}`. Responses carry the union of both seed APIs' fields, so
//! clients written for either keep working.

use axum::{Json, extract::State};
use serde::Serialize;

use super::{
    body::JsonBody,
    id::Id,
    query::{Paging, QueryParams},
};
use crate::{
    model::{Actor, Credit},
    server::{ApiError, auth::Principal, service::Service},
};

#[derive(Serialize)]
pub struct ActorList {
    success: bool,
    actors: Vec<Actor>,
    /// Every match, whether or not all are in this response.
    all_actors: i64,
    /// Present when a page was asked for.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    paging: Option<Paging>,
}

#[derive(Serialize)]
pub struct ActorShown {
    success: bool,
    actor: ActorDetail,
}

/// The actor with its filmography (present when the caller may read both tables).
#[derive(Serialize)]
pub struct ActorDetail {
    #[serde(flatten)]
    actor: Actor,
    #[serde(skip_serializing_if = "Option::is_none")]
    movies: Option<Vec<Credit>>,
}

#[derive(Serialize)]
pub struct ActorCreated {
    success: bool,
    actors: [Actor; 1],
    created: i64,
    new_actor: Actor,
}

#[derive(Serialize)]
pub struct ActorUpdated {
    success: bool,
    actors: [Actor; 1],
    actor_before: Actor,
    modified_actor: Actor,
}

#[derive(Serialize)]
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

pub async fn list(
    State(svc): State<Service>,
    who: Principal,
    params: QueryParams,
) -> Result<Json<ActorList>, ApiError> {
    let listing = svc.list_actors(&who, params).await?;
    let paging =
        listing.page.map(|p| Paging { page: p.page, per_page: p.per_page, total: listing.total });
    Ok(Json(ActorList { success: true, actors: listing.items, all_actors: listing.total, paging }))
}

pub async fn show(
    State(svc): State<Service>,
    who: Principal,
    Id(id): Id,
) -> Result<Json<ActorShown>, ApiError> {
    let (actor, movies) = svc.actor_with_movies(&who, id).await?;
    Ok(Json(ActorShown { success: true, actor: ActorDetail { actor, movies } }))
}

pub async fn create(
    State(svc): State<Service>,
    who: Principal,
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

pub async fn update(
    State(svc): State<Service>,
    who: Principal,
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

pub async fn delete(
    State(svc): State<Service>,
    who: Principal,
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
