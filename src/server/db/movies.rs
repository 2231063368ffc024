//! SQL for the `movies` table. `release_date` is stored as fixed-width RFC 3339 UTC text (see
//! the migrations) and converted here, so nothing above this module knows the storage form.

use sqlx::{AnyConnection, Row, any::AnyRow};

use super::Backend;
use super::filter::{Cursor, Filter, Value};
use crate::model::{
    Movie, MoviePatch, NewMovie, dates,
    picture::PictureOwner,
    query::{MovieQuery, MovieSort},
};

macro_rules! columns {
    () => {
        "id, title, release_date, version, poster_etag, poster_width, poster_height"
    };
}

/// The record from a row with its columns (a join may add others).
pub(super) fn from_row(row: &AnyRow) -> sqlx::Result<Movie> {
    let stored: Option<String> = row.try_get("release_date")?;
    Ok(Movie {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        release_date: decode(stored)?,
        version: row.try_get("version")?,
        poster: super::pictures::from_columns(
            PictureOwner::Movie,
            row.try_get("id")?,
            row.try_get("poster_etag")?,
            row.try_get("poster_width")?,
            row.try_get("poster_height")?,
        ),
    })
}

/// A stored release date (`NULL`: not yet scheduled).
pub(super) fn decode(
    stored: Option<String>,
) -> sqlx::Result<Option<chrono::DateTime<chrono::Utc>>> {
    stored
        .map(|s| dates::from_storage(&s).map_err(|e| sqlx::Error::Decode(Box::new(e))))
        .transpose()
}

pub async fn count(conn: &mut AnyConnection) -> sqlx::Result<i64> {
    sqlx::query("SELECT COUNT(*) AS n FROM movies").fetch_one(conn).await?.try_get("n")
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<Movie>> {
    let row = sqlx::query(concat!("SELECT ", columns!(), " FROM movies WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Like [`find`], and locks the row until the transaction ends.
pub async fn find_for_update(
    conn: &mut AnyConnection,
    backend: Backend,
    id: i64,
) -> sqlx::Result<Option<Movie>> {
    let sql = match backend {
        Backend::Sqlite => concat!("SELECT ", columns!(), " FROM movies WHERE id = $1"),
        Backend::Postgres => {
            concat!("SELECT ", columns!(), " FROM movies WHERE id = $1 FOR UPDATE")
        }
    };
    let row = sqlx::query(sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn insert(conn: &mut AnyConnection, new: &NewMovie) -> sqlx::Result<Movie> {
    let row = sqlx::query(concat!(
        "INSERT INTO movies (title, release_date) VALUES ($1, $2) RETURNING ",
        columns!()
    ))
    .bind(&new.title)
    .bind(new.release_date.as_ref().map(dates::to_storage))
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

/// Applies the fields present in `patch`; `None` if there is no such movie.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    patch: &MoviePatch,
) -> sqlx::Result<Option<Movie>> {
    // `$2` says whether the date changes at all: its new value `$3` may be NULL (unscheduled).
    let row = sqlx::query(concat!(
        "UPDATE movies SET title = COALESCE($1, title), ",
        "release_date = CASE WHEN $2 = 1 THEN $3 ELSE release_date END, version = version + 1 ",
        "WHERE id = $4 RETURNING ",
        columns!()
    ))
    .bind(patch.title.as_deref())
    .bind(i32::from(patch.release_date.is_some()))
    .bind(patch.release_date.flatten().as_ref().map(dates::to_storage))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Puts a restored movie back under its own id and with its (new) version.
pub async fn reinsert(conn: &mut AnyConnection, movie: &Movie) -> sqlx::Result<()> {
    let poster = movie.poster.as_ref();
    sqlx::query(
        "INSERT INTO movies (id, title, release_date, version, poster_etag, poster_width, \
         poster_height) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(movie.id)
    .bind(&movie.title)
    .bind(movie.release_date.as_ref().map(dates::to_storage))
    .bind(movie.version)
    .bind(poster.map(|p| p.etag.as_str()))
    .bind(poster.map(|p| i64::from(p.width)))
    .bind(poster.map(|p| i64::from(p.height)))
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts a change to these movies' casts: their versions move on.
pub async fn touch(conn: &mut AnyConnection, ids: &[i64]) -> sqlx::Result<()> {
    for id in ids {
        sqlx::query("UPDATE movies SET version = version + 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Deletes one movie; `false` if there was none.
pub async fn delete(conn: &mut AnyConnection, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM movies WHERE id = $1").bind(id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

fn filter(backend: Backend, query: &MovieQuery) -> Filter {
    let mut filter = Filter::default();
    if let Some(q) = query.q.as_deref().filter(|q| !q.is_empty()) {
        filter.contains(backend, "movies", "title", q);
    }
    // Stored as fixed-width UTC text: text order is time order.
    if let Some(after) = &query.released_after {
        filter.push("release_date >= {}", Value::Text(dates::to_storage(after)));
    }
    if let Some(before) = &query.released_before {
        filter.push("release_date <= {}", Value::Text(dates::to_storage(before)));
    }
    filter
}

/// One page of the movies matching `query`, in its order (ties broken by id), and how many
/// match in all.
pub async fn find_page(
    conn: &mut AnyConnection,
    backend: Backend,
    query: &MovieQuery,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<Movie>, i64)> {
    // Unscheduled movies (no date) come after every dated one, in either direction.
    let order_by = match query.sort {
        MovieSort::ReleaseDate => "release_date {} NULLS LAST",
        other => sort_column(other),
    };
    let (json, total) = filter(backend, query)
        .fetch_page_json(
            conn,
            backend,
            "movies",
            JSON_FIELDS,
            order_by,
            query.descending,
            limit,
            offset,
        )
        .await?;
    Ok((decode_json(&json)?, total))
}

/// The columns of a JSON page or batch.
const JSON_FIELDS: &str = "'id', id, 'title', title, 'release_date', release_date, \
    'version', version, 'poster_etag', poster_etag, 'poster_width', poster_width, \
    'poster_height', poster_height";

/// The column a sort orders by: from this fixed list, never from the request.
fn sort_column(sort: MovieSort) -> &'static str {
    match sort {
        MovieSort::Id => "id",
        MovieSort::Title => "title",
        MovieSort::ReleaseDate => "release_date",
    }
}

fn decode_json(json: &str) -> sqlx::Result<Vec<Movie>> {
    let rows: Vec<StoredMovie> =
        serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    rows.into_iter()
        .map(|row| {
            Ok(Movie {
                id: row.id,
                title: row.title,
                release_date: decode(row.release_date)?,
                version: row.version,
                poster: super::pictures::from_columns(
                    PictureOwner::Movie,
                    row.id,
                    row.poster_etag,
                    row.poster_width,
                    row.poster_height,
                ),
            })
        })
        .collect()
}

/// Up to `limit` of the movies matching `query` (its paging aside) after `cursor`, in its
/// order (unscheduled movies last, as in a page): one batch of an export.
pub async fn find_batch(
    conn: &mut AnyConnection,
    backend: Backend,
    query: &MovieQuery,
    cursor: &Cursor,
    limit: i64,
) -> sqlx::Result<Vec<Movie>> {
    let key = sort_column(query.sort);
    let mut filter = filter(backend, query);
    filter.after(key, query.descending, cursor);
    let json = filter
        .fetch_batch_json(conn, backend, "movies", JSON_FIELDS, key, query.descending, limit)
        .await?;
    decode_json(&json)
}

/// Where a batch that ended with `movie` leaves the export.
pub fn cursor_after(movie: &Movie, sort: MovieSort) -> Cursor {
    let key = match sort {
        MovieSort::Id => Some(Value::Int(movie.id)),
        MovieSort::Title => Some(Value::Text(movie.title.clone())),
        MovieSort::ReleaseDate => {
            movie.release_date.as_ref().map(|d| Value::Text(dates::to_storage(d)))
        }
    };
    Cursor::After { key, id: movie.id }
}

/// A movie as the JSON page carries it: the release date in its stored form.
#[derive(serde::Deserialize)]
struct StoredMovie {
    id: i64,
    title: String,
    release_date: Option<String>,
    version: i64,
    poster_etag: Option<String>,
    poster_width: Option<i64>,
    poster_height: Option<i64>,
}
