//! Casting: `/movies/{id}/actors[/{actor_id}]` and `/actors/{id}/movies`.

use axum::{Json, extract::State};
use serde::Serialize;

use super::{
    body::JsonBody,
    id::{Id, IdPair},
};
use crate::{
    model::{CastMember, CastingInput, Credit},
    server::{ApiError, auth::Principal, service::Service},
};

#[derive(Serialize)]
pub struct Cast {
    success: bool,
    movie_id: i64,
    actors: Vec<CastMember>,
    total: usize,
}

#[derive(Serialize)]
pub struct Filmography {
    success: bool,
    actor_id: i64,
    movies: Vec<Credit>,
    total: usize,
}

#[derive(Serialize)]
pub struct Assigned {
    success: bool,
    movie_id: i64,
    actor_id: i64,
    character: Option<String>,
    /// `false` when the actor was already in the cast.
    created: bool,
}

#[derive(Serialize)]
pub struct Unassigned {
    success: bool,
    movie_id: i64,
    actor_id: i64,
    deleted: bool,
}

pub async fn cast(
    State(svc): State<Service>,
    who: Principal,
    Id(movie_id): Id,
) -> Result<Json<Cast>, ApiError> {
    let actors = svc.cast_of(&who, movie_id).await?;
    Ok(Json(Cast { success: true, movie_id, total: actors.len(), actors }))
}

pub async fn filmography(
    State(svc): State<Service>,
    who: Principal,
    Id(actor_id): Id,
) -> Result<Json<Filmography>, ApiError> {
    let movies = svc.filmography(&who, actor_id).await?;
    Ok(Json(Filmography { success: true, actor_id, total: movies.len(), movies }))
}

/// `PUT /movies/{id}/actors/{actor_id}`, with an optional `{"character": "..."}` body.
pub async fn assign(
    State(svc): State<Service>,
    who: Principal,
    IdPair(movie_id, actor_id): IdPair,
    body: JsonBody,
) -> Result<Json<Assigned>, ApiError> {
    let assignment = if body.is_empty() {
        svc.assign(&who, movie_id, actor_id, CastingInput::default()).await?
    } else {
        svc.assign(&who, movie_id, actor_id, body).await?
    };
    Ok(Json(Assigned {
        success: true,
        movie_id,
        actor_id,
        character: assignment.character,
        created: assignment.created,
    }))
}

pub async fn unassign(
    State(svc): State<Service>,
    who: Principal,
    IdPair(movie_id, actor_id): IdPair,
) -> Result<Json<Unassigned>, ApiError> {
    svc.unassign(&who, movie_id, actor_id).await?;
    Ok(Json(Unassigned { success: true, movie_id, actor_id, deleted: true }))
}
