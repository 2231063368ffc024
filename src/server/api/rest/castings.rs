//! Casting: `/movies/{id}/actors[/{actor_id}]` and `/actors/{id}/movies`.

use axum::{
    Json,
    extract::State,
    response::{IntoResponse, Response},
};
use serde::Serialize;

use super::spreadsheets;
use utoipa::ToSchema;

use crate::server::api::{
    extract::body::JsonBody,
    extract::format::Format,
    extract::id::{Id, IdPair},
    extract::principal::ListReader,
};
use crate::{
    model::{CastMember, CastingInput, Credit, spreadsheet::CAST_COLUMNS},
    server::{
        ApiError,
        auth::{Principal, Writer},
        service::{Batches, Service},
    },
};

#[derive(Serialize, ToSchema)]
pub struct Cast {
    success: bool,
    movie_id: i64,
    actors: Vec<CastMember>,
    total: usize,
}

#[derive(Serialize, ToSchema)]
pub struct Filmography {
    success: bool,
    actor_id: i64,
    movies: Vec<Credit>,
    total: usize,
}

#[derive(Serialize, ToSchema)]
pub struct Assigned {
    success: bool,
    movie_id: i64,
    actor_id: i64,
    character: Option<String>,
    /// `false` when the actor was already in the cast.
    created: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Unassigned {
    success: bool,
    movie_id: i64,
    actor_id: i64,
    deleted: bool,
}

/// A movie's cast
///
/// With `Accept: text/csv` or `?format=csv`: the cast as a CSV download (`actor_id`, `name`,
/// `character`).
#[utoipa::path(get, path = "/movies/{id}/actors", tag = "casting", operation_id = "get_cast",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id"),
        ("format" = Option<String>, Query, pattern = "^(json|csv)$", description = "`csv` for a spreadsheet download")),
    security(("bearer" = ["get:movies", "get:actors"]), ("session" = [])),
    responses((status = OK, description = "The actors cast in the movie",
        content((Cast = "application/json"), (String = "text/csv")))))]
pub async fn cast(
    State(svc): State<Service>,
    ListReader(who): ListReader,
    format: Format,
    Id(movie_id): Id,
) -> Result<Response, ApiError> {
    let actors = svc.cast_of(&who, movie_id).await?;
    if let Format::Csv { bom } = format {
        let batches: Batches<CastMember> = Box::pin(futures_util::stream::iter([Ok(actors)]));
        let stem = format!("movie-{movie_id}-cast");
        return Ok(spreadsheets::download(
            &stem,
            &CAST_COLUMNS,
            batches,
            spreadsheets::cast_row,
            bom,
        ));
    }
    Ok(Json(Cast { success: true, movie_id, total: actors.len(), actors }).into_response())
}

/// An actor's filmography
#[utoipa::path(get, path = "/actors/{id}/movies", tag = "casting", operation_id = "get_filmography",
    params(("id" = i64, Path, minimum = 1, description = "The actor's id")),
    security(("bearer" = ["get:actors", "get:movies"])),
    responses((status = OK, description = "The movies the actor is cast in", body = Filmography)))]
pub async fn filmography(
    State(svc): State<Service>,
    who: Principal,
    Id(actor_id): Id,
) -> Result<Json<Filmography>, ApiError> {
    let movies = svc.filmography(&who, actor_id).await?;
    Ok(Json(Filmography { success: true, actor_id, total: movies.len(), movies }))
}

/// Cast an actor in a movie
///
/// Idempotent: assigning again only updates the character. The body is optional.
#[utoipa::path(put, path = "/movies/{id}/actors/{actor_id}", tag = "casting", operation_id = "assign_actor",
    params(
        ("id" = i64, Path, minimum = 1, description = "The movie's id"),
        ("actor_id" = i64, Path, minimum = 1, description = "The actor's id"),
    ),
    request_body(content = Option<CastingInput>, description = "Who the actor plays (optional)"),
    security(("bearer" = ["patch:movies"])),
    responses((status = OK, description = "The assignment", body = Assigned)))]
pub async fn assign(
    State(svc): State<Service>,
    who: Writer,
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

/// Remove an actor from a movie's cast
#[utoipa::path(delete, path = "/movies/{id}/actors/{actor_id}", tag = "casting", operation_id = "unassign_actor",
    params(
        ("id" = i64, Path, minimum = 1, description = "The movie's id"),
        ("actor_id" = i64, Path, minimum = 1, description = "The actor's id"),
    ),
    security(("bearer" = ["patch:movies"])),
    responses((status = OK, description = "The actor is no longer in the cast", body = Unassigned)))]
pub async fn unassign(
    State(svc): State<Service>,
    who: Writer,
    IdPair(movie_id, actor_id): IdPair,
) -> Result<Json<Unassigned>, ApiError> {
    svc.unassign(&who, movie_id, actor_id).await?;
    Ok(Json(Unassigned { success: true, movie_id, actor_id, deleted: true }))
}
