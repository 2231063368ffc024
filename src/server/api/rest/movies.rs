//! `/movies` and `/movies/{id}`. Responses carry the union of both seed APIs' fields.

use axum::{Json, extract::State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::server::api::{
    extract::body::JsonBody,
    extract::id::Id,
    extract::query::{MovieListParams, Paging, QueryParams},
};
use crate::{
    model::{CastMember, Movie, MoviePatch, NewMovie},
    server::{
        ApiError,
        auth::{Principal, Writer},
        service::Service,
    },
};

#[derive(Serialize, ToSchema)]
pub struct MovieList {
    success: bool,
    #[schema(value_type = Vec<Movie>)]
    movies: std::sync::Arc<[Movie]>,
    /// Every match, whether or not all are in this response.
    all_movies: i64,
    #[serde(flatten)]
    paging: Paging,
}

#[derive(Serialize, ToSchema)]
pub struct MovieShown {
    success: bool,
    movie: MovieDetail,
}

/// The movie with its cast (present when the caller may read both tables).
#[derive(Serialize, ToSchema)]
pub struct MovieDetail {
    #[serde(flatten)]
    movie: Movie,
    #[serde(skip_serializing_if = "Option::is_none")]
    cast: Option<Vec<CastMember>>,
}

#[derive(Serialize, ToSchema)]
pub struct MovieCreated {
    success: bool,
    movies: [Movie; 1],
    created_id: i64,
    new_movie: Movie,
}

#[derive(Serialize, ToSchema)]
pub struct MovieUpdated {
    success: bool,
    movies: [Movie; 1],
    old_movie: Movie,
    modified_movie: Movie,
}

#[derive(Serialize, ToSchema)]
pub struct MovieDeleted {
    success: bool,
    deleted: i64,
    deleted_movie: Movie,
    number_of_movies_before: i64,
    number_of_movies_after: i64,
    /// Casting assignments removed with it.
    assignments_removed: i64,
}

/// List movies
///
/// Without `page` or `per_page`: every match in id order (at most 1,000), as the seed APIs
/// answered. With either: that page, plus `page`, `per_page` and `total`.
#[utoipa::path(get, path = "/movies", tag = "movies", operation_id = "list_movies",
    params(MovieListParams),
    security(("bearer" = ["get:movies"])),
    responses((status = OK, description = "The matching movies", body = MovieList)))]
pub async fn list(
    State(svc): State<Service>,
    who: Principal,
    params: QueryParams,
) -> Result<Json<MovieList>, ApiError> {
    let listing = svc.list_movies(&who, params).await?;
    let paging = Paging::of(listing.page, listing.total);
    Ok(Json(MovieList { success: true, movies: listing.items, all_movies: listing.total, paging }))
}

/// Show a movie
///
/// With its cast when the caller may also read actors.
#[utoipa::path(get, path = "/movies/{id}", tag = "movies", operation_id = "get_movie",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    security(("bearer" = ["get:movies"])),
    responses((status = OK, description = "The movie", body = MovieShown)))]
pub async fn show(
    State(svc): State<Service>,
    who: Principal,
    Id(id): Id,
) -> Result<Json<MovieShown>, ApiError> {
    let (movie, cast) = svc.movie_with_cast(&who, id).await?;
    Ok(Json(MovieShown { success: true, movie: MovieDetail { movie, cast } }))
}

/// Add a movie
#[utoipa::path(post, path = "/movies", tag = "movies", operation_id = "create_movie",
    request_body = NewMovie,
    security(("bearer" = ["post:movies"])),
    responses((status = OK, description = "The new movie (200, as the seed APIs answered)", body = MovieCreated)))]
pub async fn create(
    State(svc): State<Service>,
    who: Writer,
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

/// Change a movie
///
/// Absent fields keep their value; at least one field is required.
#[utoipa::path(patch, path = "/movies/{id}", tag = "movies", operation_id = "update_movie",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    request_body = MoviePatch,
    security(("bearer" = ["patch:movies"])),
    responses((status = OK, description = "The movie before and after", body = MovieUpdated)))]
pub async fn update(
    State(svc): State<Service>,
    who: Writer,
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

/// Delete a movie
///
/// Its casting assignments go with it, in the same transaction.
#[utoipa::path(delete, path = "/movies/{id}", tag = "movies", operation_id = "delete_movie",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    security(("bearer" = ["delete:movies"])),
    responses((status = OK, description = "The deleted movie and the counts", body = MovieDeleted)))]
pub async fn delete(
    State(svc): State<Service>,
    who: Writer,
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
