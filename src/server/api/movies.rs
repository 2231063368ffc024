//! `/movies` and `/movies/{id}`. Responses carry the union of both seed APIs' fields.

use axum::{Json, extract::State};
use serde::Serialize;

use super::{
    body::JsonBody,
    id::Id,
    query::{Paging, QueryParams},
};
use crate::{
    model::{CastMember, Movie},
    server::{ApiError, auth::Principal, service::Service},
};

#[derive(Serialize)]
pub struct MovieList {
    success: bool,
    movies: Vec<Movie>,
    /// Every match, whether or not all are in this response.
    all_movies: i64,
    /// Present when a page was asked for.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    paging: Option<Paging>,
}

#[derive(Serialize)]
pub struct MovieShown {
    success: bool,
    movie: MovieDetail,
}

/// The movie with its cast (present when the caller may read both tables).
#[derive(Serialize)]
pub struct MovieDetail {
    #[serde(flatten)]
    movie: Movie,
    #[serde(skip_serializing_if = "Option::is_none")]
    cast: Option<Vec<CastMember>>,
}

#[derive(Serialize)]
pub struct MovieCreated {
    success: bool,
    movies: [Movie; 1],
    created_id: i64,
    new_movie: Movie,
}

#[derive(Serialize)]
pub struct MovieUpdated {
    success: bool,
    movies: [Movie; 1],
    old_movie: Movie,
    modified_movie: Movie,
}

#[derive(Serialize)]
pub struct MovieDeleted {
    success: bool,
    deleted: i64,
    deleted_movie: Movie,
    number_of_movies_before: i64,
    number_of_movies_after: i64,
    /// Casting assignments removed with it.
    assignments_removed: i64,
}

pub async fn list(
    State(svc): State<Service>,
    who: Principal,
    params: QueryParams,
) -> Result<Json<MovieList>, ApiError> {
    let listing = svc.list_movies(&who, params).await?;
    let paging =
        listing.page.map(|p| Paging { page: p.page, per_page: p.per_page, total: listing.total });
    Ok(Json(MovieList { success: true, movies: listing.items, all_movies: listing.total, paging }))
}

pub async fn show(
    State(svc): State<Service>,
    who: Principal,
    Id(id): Id,
) -> Result<Json<MovieShown>, ApiError> {
    let (movie, cast) = svc.movie_with_cast(&who, id).await?;
    Ok(Json(MovieShown { success: true, movie: MovieDetail { movie, cast } }))
}

pub async fn create(
    State(svc): State<Service>,
    who: Principal,
    body: JsonBody,
) -> Result<Json<MovieCreated>, ApiError> {
    let movie = svc.create_movie(&who, body).await?;
    Ok(Json(MovieCreated {
        success: true,
        created_id: movie.id,
        movies: [movie.clone()],
        new_movie: movie,
    }))
}

pub async fn update(
    State(svc): State<Service>,
    who: Principal,
    Id(id): Id,
    body: JsonBody,
) -> Result<Json<MovieUpdated>, ApiError> {
    let change = svc.update_movie(&who, id, body).await?;
    Ok(Json(MovieUpdated {
        success: true,
        movies: [change.after.clone()],
        old_movie: change.before,
        modified_movie: change.after,
    }))
}

pub async fn delete(
    State(svc): State<Service>,
    who: Principal,
    Id(id): Id,
) -> Result<Json<MovieDeleted>, ApiError> {
    let gone = svc.delete_movie(&who, id).await?;
    Ok(Json(MovieDeleted {
        success: true,
        deleted: gone.item.id,
        deleted_movie: gone.item,
        number_of_movies_before: gone.count_before,
        number_of_movies_after: gone.count_after,
        assignments_removed: gone.assignments_removed,
    }))
}
