//! SQL for the `actors` table. Functions take a connection (or transaction) so the service
//! decides what runs in one transaction.

use sqlx::{AnyConnection, Row, any::AnyRow};

use super::Backend;
use super::filter::{Filter, Value};
use crate::model::{
    Actor, ActorPatch, NewActor,
    query::{ActorQuery, ActorSort},
};

macro_rules! columns {
    () => {
        "id, name, age, gender, version"
    };
}

fn from_row(row: &AnyRow) -> sqlx::Result<Actor> {
    Ok(Actor {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        age: row.try_get("age")?,
        gender: row.try_get("gender")?,
        version: row.try_get("version")?,
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
    sqlx::query("INSERT INTO actors (id, name, age, gender, version) VALUES ($1, $2, $3, $4, $5)")
        .bind(actor.id)
        .bind(&actor.name)
        .bind(actor.age)
        .bind(&actor.gender)
        .bind(actor.version)
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
    // Column names come from this fixed list, never from the request.
    let order_by = match query.sort {
        ActorSort::Id => "id",
        ActorSort::Name => "name",
        ActorSort::Age => "age",
        ActorSort::Gender => "gender",
    };
    let fields = "'id', id, 'name', name, 'age', age, 'gender', gender, 'version', version";
    let (json, total) = filter(backend, query)
        .fetch_page_json(conn, backend, "actors", fields, order_by, query.descending, limit, offset)
        .await?;
    let actors = serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok((actors, total))
}
