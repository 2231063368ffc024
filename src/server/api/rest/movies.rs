//! `/movies` and `/movies/{id}`. Responses carry the union of both seed APIs' fields.

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
    extract::query::{MovieListParams, Paging, QueryParams},
};
use crate::{
    model::{CastMember, Movie, MoviePatch, NewMovie, spreadsheet::MOVIE_COLUMNS},
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
/// answered. With either: that page, plus `page`, `per_page` and `total`. With
/// `Accept: text/csv` or `?format=csv`: every match (no cap, paging ignored) as a CSV download,
/// streamed (cells a spreadsheet would run as formulas start with `'`).
#[utoipa::path(get, path = "/movies", tag = "movies", operation_id = "list_movies",
    params(MovieListParams),
    security(("bearer" = ["get:movies"]), ("session" = [])),
    responses((status = OK, description = "The matching movies",
        content((MovieList = "application/json"), (String = "text/csv")))))]
pub async fn list(
    State(svc): State<Service>,
    ListReader(who): ListReader,
    format: Format,
    params: QueryParams,
) -> Result<Response, ApiError> {
    if let Format::Csv { bom } = format {
        let batches = svc.export_movies(&who, params)?;
        return Ok(spreadsheets::download(
            "movies",
            &MOVIE_COLUMNS,
            batches,
            spreadsheets::movie_row,
            bom,
        ));
    }
    let listing = svc.list_movies(&who, params).await?;
    let paging = Paging::of(listing.page, listing.total);
    Ok(Json(MovieList { success: true, movies: listing.items, all_movies: listing.total, paging })
        .into_response())
}

/// Show a movie
///
/// With its cast when the caller may also read actors. `ETag` is the movie's version;
/// `If-None-Match` with it answers 304 while the movie is unchanged.
#[utoipa::path(get, path = "/movies/{id}", tag = "movies", operation_id = "get_movie",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id"), IfNoneMatchHeader),
    security(("bearer" = ["get:movies"])),
    responses(
        (status = OK, description = "The movie", body = MovieShown,
            headers(("ETag" = String, description = "The movie's version, quoted: `\"3\"`"))),
        (status = NOT_MODIFIED, description = "Unchanged since the `If-None-Match` version",
            headers(("ETag" = String, description = "The movie's version, quoted"))),
    ))]
pub async fn show(
    State(svc): State<Service>,
    who: Principal,
    Id(id): Id,
    held: IfNoneMatch,
) -> Result<Response, ApiError> {
    let (movie, cast) = svc.movie_with_cast(&who, id).await?;
    let tag = etag(movie.version);
    if held.holds(movie.version)? {
        return Ok((StatusCode::NOT_MODIFIED, tag).into_response());
    }
    Ok((tag, Json(MovieShown { success: true, movie: MovieDetail { movie, cast } }))
        .into_response())
}

/// Add a movie
#[utoipa::path(post, path = "/movies", tag = "movies", operation_id = "create_movie",
    request_body = NewMovie,
    security(("bearer" = ["post:movies"])),
    responses((status = OK, description = "The new movie (200, as the seed APIs answered)", body = MovieCreated,
        headers(("ETag" = String, description = "The new movie's version, quoted")))))]
pub async fn create(
    State(svc): State<Service>,
    who: Writer,
    body: JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let movie = svc.create_movie(&who, body).await?;
    Ok((
        etag(movie.version),
        Json(MovieCreated {
            success: true,
            created_id: movie.id,
            movies: [movie.clone()],
            new_movie: movie,
        }),
    ))
}

/// Change a movie
///
/// Absent fields keep their value; at least one field is required. With `If-Match`, only if
/// the movie is still at that version (412 with the current movie otherwise).
#[utoipa::path(patch, path = "/movies/{id}", tag = "movies", operation_id = "update_movie",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id"), IfMatchHeader),
    request_body = MoviePatch,
    security(("bearer" = ["patch:movies"])),
    responses((status = OK, description = "The movie before and after", body = MovieUpdated,
        headers(("ETag" = String, description = "The movie's new version, quoted")))))]
pub async fn update(
    State(svc): State<Service>,
    who: Writer,
    Id(id): Id,
    IfMatch(precondition): IfMatch,
    body: JsonBody,
) -> Result<impl IntoResponse, ApiError> {
    let change = svc.update_movie(&who, id, &precondition, body).await?;
    Ok((
        etag(change.after.version),
        Json(MovieUpdated {
            success: true,
            movies: [change.after.clone()],
            old_movie: change.before,
            modified_movie: change.after,
        }),
    ))
}

/// Delete a movie
///
/// Moves it to the trash with its casting assignments, in one transaction
/// (`POST /movies/{id}/restore` brings it back). With `If-Match`, only if the movie is still
/// at that version.
#[utoipa::path(delete, path = "/movies/{id}", tag = "movies", operation_id = "delete_movie",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id"), IfMatchHeader),
    security(("bearer" = ["delete:movies"])),
    responses((status = OK, description = "The deleted movie and the counts", body = MovieDeleted,
        headers(("ETag" = String, description = "The version the delete gave the movie (in the trash), quoted")))))]
pub async fn delete(
    State(svc): State<Service>,
    who: Writer,
    Id(id): Id,
    IfMatch(precondition): IfMatch,
) -> Result<impl IntoResponse, ApiError> {
    let gone = svc.delete_movie(&who, id, &precondition).await?;
    Ok((
        etag(gone.version),
        Json(MovieDeleted {
            success: true,
            deleted: gone.item.id,
            deleted_movie: gone.item,
            number_of_movies_before: gone.count_before,
            number_of_movies_after: gone.count_after,
            assignments_removed: gone.assignments_removed,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct MovieRestored {
    success: bool,
    /// Back under its id, at its version +1.
    movie: Movie,
    /// The cast links put back (those whose actor still exists).
    restored_links: Vec<RestoredLink>,
}

/// Restore a movie
///
/// Brings a deleted movie back from the trash with its id, its version +1, and each casting
/// assignment the delete removed whose actor still exists. 404 when the movie is not in the
/// trash (never deleted, already restored, or purged).
#[utoipa::path(post, path = "/movies/{id}/restore", tag = "trash", operation_id = "restore_movie",
    params(("id" = i64, Path, minimum = 1, description = "The movie's id")),
    security(("bearer" = ["delete:movies"])),
    responses((status = OK, description = "The restored movie", body = MovieRestored,
        headers(("ETag" = String, description = "The movie's new version, quoted")))))]
pub async fn restore(
    State(svc): State<Service>,
    who: Writer,
    Id(id): Id,
) -> Result<impl IntoResponse, ApiError> {
    let back = svc.restore_movie(&who, id).await?;
    let restored_links = back.links.into_iter().map(RestoredLink::from).collect();
    Ok((
        etag(back.item.version),
        Json(MovieRestored { success: true, movie: back.item, restored_links }),
    ))
}
