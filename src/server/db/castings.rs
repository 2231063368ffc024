//! SQL for the `castings` table: who plays in what.

use sqlx::{AnyConnection, Row, any::AnyRow};

use super::Backend;
use crate::model::{CastMember, Credit};

fn cast_member(row: &AnyRow) -> sqlx::Result<CastMember> {
    Ok(CastMember { actor: super::actors::from_row(row)?, character: row.try_get("character")? })
}

fn credit(row: &AnyRow) -> sqlx::Result<Credit> {
    Ok(Credit { movie: super::movies::from_row(row)?, character: row.try_get("character")? })
}

/// The cast of a movie, by actor id.
pub async fn cast_of(conn: &mut AnyConnection, movie_id: i64) -> sqlx::Result<Vec<CastMember>> {
    let rows = sqlx::query(
        "SELECT a.id, a.name, a.age, a.gender, a.version, a.photo_etag, a.photo_width, \
         a.photo_height, c.character FROM castings c \
         JOIN actors a ON a.id = c.actor_id WHERE c.movie_id = $1 ORDER BY a.id",
    )
    .bind(movie_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(cast_member).collect()
}

/// The movies of an actor, by release date (unscheduled ones last) then id.
pub async fn filmography(conn: &mut AnyConnection, actor_id: i64) -> sqlx::Result<Vec<Credit>> {
    let rows = sqlx::query(
        "SELECT m.id, m.title, m.release_date, m.version, m.poster_etag, m.poster_width, \
         m.poster_height, c.character FROM castings c \
         JOIN movies m ON m.id = c.movie_id WHERE c.actor_id = $1 ORDER BY m.release_date ASC NULLS LAST, m.id",
    )
    .bind(actor_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(credit).collect()
}

/// The character of an existing assignment: `None` when the actor is not cast in the movie,
/// `Some(None)` when cast without a character.
pub async fn character_of(
    conn: &mut AnyConnection,
    movie_id: i64,
    actor_id: i64,
) -> sqlx::Result<Option<Option<String>>> {
    let row = sqlx::query("SELECT character FROM castings WHERE movie_id = $1 AND actor_id = $2")
        .bind(movie_id)
        .bind(actor_id)
        .fetch_optional(conn)
        .await?;
    row.map(|row| row.try_get("character")).transpose()
}

/// Assigns (or re-assigns with a new character); `true` if the assignment is new.
pub async fn upsert(
    conn: &mut AnyConnection,
    movie_id: i64,
    actor_id: i64,
    character: Option<&str>,
) -> sqlx::Result<bool> {
    let existing = sqlx::query("SELECT 1 AS x FROM castings WHERE movie_id = $1 AND actor_id = $2")
        .bind(movie_id)
        .bind(actor_id)
        .fetch_optional(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO castings (movie_id, actor_id, character) VALUES ($1, $2, $3) \
         ON CONFLICT (movie_id, actor_id) DO UPDATE SET character = excluded.character",
    )
    .bind(movie_id)
    .bind(actor_id)
    .bind(character)
    .execute(conn)
    .await?;
    Ok(existing.is_none())
}

/// Removes one assignment; `false` if there was none.
pub async fn remove(conn: &mut AnyConnection, movie_id: i64, actor_id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM castings WHERE movie_id = $1 AND actor_id = $2")
        .bind(movie_id)
        .bind(actor_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// One actor's place in one movie's cast, as the trash keeps the links a delete removed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    pub movie_id: i64,
    pub actor_id: i64,
    pub character: Option<String>,
}

fn link(row: &AnyRow) -> sqlx::Result<Link> {
    Ok(Link {
        movie_id: row.try_get("movie_id")?,
        actor_id: row.try_get("actor_id")?,
        character: row.try_get("character")?,
    })
}

/// Every cast link of an actor, by movie id.
pub async fn links_of_actor(conn: &mut AnyConnection, actor_id: i64) -> sqlx::Result<Vec<Link>> {
    let rows = sqlx::query(
        "SELECT movie_id, actor_id, character FROM castings WHERE actor_id = $1 ORDER BY movie_id",
    )
    .bind(actor_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(link).collect()
}

/// Every cast link of a movie, by actor id.
pub async fn links_of_movie(conn: &mut AnyConnection, movie_id: i64) -> sqlx::Result<Vec<Link>> {
    let rows = sqlx::query(
        "SELECT movie_id, actor_id, character FROM castings WHERE movie_id = $1 ORDER BY actor_id",
    )
    .bind(movie_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(link).collect()
}

/// Puts back each link whose actor and movie both exist; the links put back. Each side is
/// locked against deletion first (PostgreSQL `FOR KEY SHARE`, movie then actor, the order
/// every casting change takes), so a delete racing the restore either finishes first (the
/// link is skipped) or waits for it, never failing the insert on its foreign key.
pub async fn reinsert(
    conn: &mut AnyConnection,
    backend: Backend,
    links: &[Link],
) -> sqlx::Result<Vec<Link>> {
    let (movie, actor) = match backend {
        Backend::Sqlite => {
            ("SELECT id FROM movies WHERE id = $1", "SELECT id FROM actors WHERE id = $1")
        }
        Backend::Postgres => (
            "SELECT id FROM movies WHERE id = $1 FOR KEY SHARE",
            "SELECT id FROM actors WHERE id = $1 FOR KEY SHARE",
        ),
    };
    let mut restored = Vec::new();
    for link in links {
        let movie = sqlx::query(movie).bind(link.movie_id).fetch_optional(&mut *conn).await?;
        let actor = sqlx::query(actor).bind(link.actor_id).fetch_optional(&mut *conn).await?;
        if movie.is_none() || actor.is_none() {
            continue;
        }
        let done = sqlx::query(
            "INSERT INTO castings (movie_id, actor_id, character) VALUES ($1, $2, $3) \
             ON CONFLICT (movie_id, actor_id) DO NOTHING",
        )
        .bind(link.movie_id)
        .bind(link.actor_id)
        .bind(link.character.as_deref())
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 1 {
            restored.push(link.clone());
        }
    }
    Ok(restored)
}
