//! SQL for the `actors` table. Functions take a connection (or transaction) so the service
//! decides what runs in one transaction.

use sqlx::{AnyConnection, Row, any::AnyRow};

use super::Backend;
use super::filter::{Cursor, Filter, Value};
use crate::model::{
    Actor, ActorPatch, NewActor,
    picture::PictureOwner,
    query::{ActorQuery, ActorSort},
};

macro_rules! columns {
    () => {
        "id, name, age, gender, version, photo_etag, photo_width, photo_height"
    };
}

/// The record from a row with its columns (a join may add others).
pub(super) fn from_row(row: &AnyRow) -> sqlx::Result<Actor> {
    Ok(Actor {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        age: row.try_get("age")?,
        gender: row.try_get("gender")?,
        version: row.try_get("version")?,
        photo: super::pictures::from_columns(
            PictureOwner::Actor,
            row.try_get("id")?,
            row.try_get("photo_etag")?,
            row.try_get("photo_width")?,
            row.try_get("photo_height")?,
        ),
    })
}

pub async fn count(conn: &mut AnyConnection) -> sqlx::Result<i64> {
    sqlx::query("SELECT COUNT(*) AS n FROM actors").fetch_one(conn).await?.try_get("n")
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<Actor>> {
    let row = sqlx::query(concat!("SELECT ", columns!(), " FROM actors WHERE id = $1"))
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
) -> sqlx::Result<Option<Actor>> {
    let sql = match backend {
        Backend::Sqlite => concat!("SELECT ", columns!(), " FROM actors WHERE id = $1"),
        Backend::Postgres => {
            concat!("SELECT ", columns!(), " FROM actors WHERE id = $1 FOR UPDATE")
        }
    };
    let row = sqlx::query(sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn insert(conn: &mut AnyConnection, new: &NewActor) -> sqlx::Result<Actor> {
    let row = sqlx::query(concat!(
        "INSERT INTO actors (name, age, gender) VALUES ($1, $2, $3) RETURNING ",
        columns!()
    ))
    .bind(&new.name)
    .bind(new.age)
    .bind(&new.gender)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

/// Applies the fields present in `patch`; `None` if there is no such actor.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    patch: &ActorPatch,
) -> sqlx::Result<Option<Actor>> {
    let row = sqlx::query(concat!(
        "UPDATE actors SET name = COALESCE($1, name), age = COALESCE($2, age), ",
        "gender = COALESCE($3, gender), version = version + 1 WHERE id = $4 RETURNING ",
        columns!()
    ))
    .bind(patch.name.as_deref())
    .bind(patch.age)
    .bind(patch.gender.as_deref())
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Puts a restored actor back under its own id and with its (new) version.
pub async fn reinsert(conn: &mut AnyConnection, actor: &Actor) -> sqlx::Result<()> {
    let photo = actor.photo.as_ref();
    sqlx::query(
        "INSERT INTO actors (id, name, age, gender, version, photo_etag, photo_width, \
         photo_height) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(actor.id)
    .bind(&actor.name)
    .bind(actor.age)
    .bind(&actor.gender)
    .bind(actor.version)
    .bind(photo.map(|p| p.etag.as_str()))
    .bind(photo.map(|p| i64::from(p.width)))
    .bind(photo.map(|p| i64::from(p.height)))
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts a change to these actors' casts: their versions move on.
pub async fn touch(conn: &mut AnyConnection, ids: &[i64]) -> sqlx::Result<()> {
    for id in ids {
        sqlx::query("UPDATE actors SET version = version + 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Deletes one actor; `false` if there was none.
pub async fn delete(conn: &mut AnyConnection, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM actors WHERE id = $1").bind(id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

fn filter(backend: Backend, query: &ActorQuery) -> Filter {
    let mut filter = Filter::default();
    if let Some(q) = query.q.as_deref().filter(|q| !q.is_empty()) {
        filter.contains(backend, "actors", "name", q);
    }
    if let Some(gender) = &query.gender {
        filter.push("lower(gender) = lower({})", Value::Text(gender.clone()));
    }
    if let Some(min) = query.age_min {
        filter.push("age >= {}", Value::Int(min));
    }
    if let Some(max) = query.age_max {
        filter.push("age <= {}", Value::Int(max));
    }
    filter
}

/// One page of the actors matching `query`, in its order (ties broken by id), and how many
/// match in all.
pub async fn find_page(
    conn: &mut AnyConnection,
    backend: Backend,
    query: &ActorQuery,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<Actor>, i64)> {
    let (json, total) = filter(backend, query)
        .fetch_page_json(
            conn,
            backend,
            "actors",
            JSON_FIELDS,
            sort_column(query.sort),
            query.descending,
            limit,
            offset,
        )
        .await?;
    Ok((decode_json(&json)?, total))
}

/// The columns of a JSON page or batch.
const JSON_FIELDS: &str = "'id', id, 'name', name, 'age', age, 'gender', gender, \
    'version', version, 'photo_etag', photo_etag, 'photo_width', photo_width, \
    'photo_height', photo_height";

/// The column a sort orders by: from this fixed list, never from the request.
fn sort_column(sort: ActorSort) -> &'static str {
    match sort {
        ActorSort::Id => "id",
        ActorSort::Name => "name",
        ActorSort::Age => "age",
        ActorSort::Gender => "gender",
    }
}

fn decode_json(json: &str) -> sqlx::Result<Vec<Actor>> {
    let rows: Vec<StoredActor> =
        serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(rows.into_iter().map(StoredActor::into_actor).collect())
}

/// Up to `limit` of the actors matching `query` (its paging aside) after `cursor`, in its
/// order: one batch of an export.
pub async fn find_batch(
    conn: &mut AnyConnection,
    backend: Backend,
    query: &ActorQuery,
    cursor: &Cursor,
    limit: i64,
) -> sqlx::Result<Vec<Actor>> {
    let key = sort_column(query.sort);
    let mut filter = filter(backend, query);
    filter.after(key, query.descending, cursor);
    let json = filter
        .fetch_batch_json(conn, backend, "actors", JSON_FIELDS, key, query.descending, limit)
        .await?;
    decode_json(&json)
}

/// Where a batch that ended with `actor` leaves the export.
pub fn cursor_after(actor: &Actor, sort: ActorSort) -> Cursor {
    let key = match sort {
        ActorSort::Id => Value::Int(actor.id),
        ActorSort::Name => Value::Text(actor.name.clone()),
        ActorSort::Age => Value::Int(actor.age),
        ActorSort::Gender => Value::Text(actor.gender.clone()),
    };
    Cursor::After { key: Some(key), id: actor.id }
}

/// An actor as the JSON page carries it: the photo as its columns.
#[derive(serde::Deserialize)]
struct StoredActor {
    id: i64,
    name: String,
    age: i64,
    gender: String,
    version: i64,
    photo_etag: Option<String>,
    photo_width: Option<i64>,
    photo_height: Option<i64>,
}

impl StoredActor {
    fn into_actor(self) -> Actor {
        let photo = super::pictures::from_columns(
            PictureOwner::Actor,
            self.id,
            self.photo_etag,
            self.photo_width,
            self.photo_height,
        );
        Actor {
            id: self.id,
            name: self.name,
            age: self.age,
            gender: self.gender,
            version: self.version,
            photo,
        }
    }
}
