//! SQL for pictures: the `pictures` table of renditions, and the columns of `actors` and
//! `movies` that say which picture a record has (see the migration `pictures`).

use sqlx::{AnyConnection, Row};

use crate::model::{
    Picture,
    picture::{PictureOwner, PictureSize},
};

/// The picture of a record from its three columns (all set, or it has none).
pub fn from_columns(
    owner: PictureOwner,
    id: i64,
    etag: Option<String>,
    width: Option<i64>,
    height: Option<i64>,
) -> Option<Picture> {
    let (etag, width, height) = (etag?, width?, height?);
    let (width, height) = (u32::try_from(width).ok()?, u32::try_from(height).ok()?);
    Some(Picture::new(owner, id, etag, width, height))
}

/// One encoded rendition, as stored and served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendition {
    pub size: PictureSize,
    pub etag: String,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

/// The record's table and its picture's columns (fixed strings, never request input).
fn record_table(owner: PictureOwner) -> (&'static str, &'static str) {
    match owner {
        PictureOwner::Actor => ("actors", "photo"),
        PictureOwner::Movie => ("movies", "poster"),
    }
}

/// Replaces the record's renditions with `renditions`.
pub async fn replace(
    conn: &mut AnyConnection,
    owner: PictureOwner,
    id: i64,
    renditions: &[Rendition],
) -> sqlx::Result<()> {
    remove(conn, owner, id).await?;
    for r in renditions {
        sqlx::query(
            "INSERT INTO pictures (owner, owner_id, size, etag, content_type, width, height, data) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(owner.as_str())
        .bind(id)
        .bind(r.size.as_str())
        .bind(&r.etag)
        .bind(&r.content_type)
        .bind(i64::from(r.width))
        .bind(i64::from(r.height))
        .bind(r.data.as_slice())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Removes the record's renditions.
pub async fn remove(conn: &mut AnyConnection, owner: PictureOwner, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM pictures WHERE owner = $1 AND owner_id = $2")
        .bind(owner.as_str())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Points the record at a picture (`Some((etag, width, height))`) or at none, and counts the
/// change in its version; `false` if there is no such record.
pub async fn set_on_record(
    conn: &mut AnyConnection,
    owner: PictureOwner,
    id: i64,
    picture: Option<(&str, u32, u32)>,
) -> sqlx::Result<bool> {
    let (table, column) = record_table(owner);
    let sql = format!(
        "UPDATE {table} SET {column}_etag = $1, {column}_width = $2, {column}_height = $3, \
         version = version + 1 WHERE id = $4"
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(picture.map(|p| p.0))
        .bind(picture.map(|p| i64::from(p.1)))
        .bind(picture.map(|p| i64::from(p.2)))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// One rendition of the record's picture, if it has one and the record exists (a record in
/// the trash keeps its renditions, but they are not served).
pub async fn find(
    conn: &mut AnyConnection,
    owner: PictureOwner,
    id: i64,
    size: PictureSize,
) -> sqlx::Result<Option<Rendition>> {
    let (table, column) = record_table(owner);
    let sql = format!(
        "SELECT p.etag, p.content_type, p.width, p.height, p.data FROM pictures p \
         JOIN {table} r ON r.id = p.owner_id AND r.{column}_etag = p.etag \
         WHERE p.owner = $1 AND p.owner_id = $2 AND p.size = $3"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(owner.as_str())
        .bind(id)
        .bind(size.as_str())
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let dimension = |name: &str| -> sqlx::Result<u32> {
        let v: i64 = row.try_get(name)?;
        u32::try_from(v).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    };
    Ok(Some(Rendition {
        size,
        etag: row.try_get("etag")?,
        content_type: row.try_get("content_type")?,
        width: dimension("width")?,
        height: dimension("height")?,
        data: row.try_get("data")?,
    }))
}
