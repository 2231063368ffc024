//! SQL for the trash: deleted actors and movies, restorable until purged (see the migration
//! `versions_and_trash`). A row is taken out whole by [`take`], so two restores of one record
//! can never both succeed.

use sqlx::{AnyConnection, Row};

use super::journal::Entity;

/// A trashed record as stored.
#[derive(Debug, Clone)]
pub struct Trashed {
    pub entity: String,
    pub entity_id: i64,
    pub deleted_at: String,
    pub by_sub: String,
    pub by_name: Option<String>,
    pub record_json: String,
    pub links_json: String,
}

fn trashed(row: &sqlx::any::AnyRow) -> sqlx::Result<Trashed> {
    Ok(Trashed {
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        deleted_at: row.try_get("deleted_at")?,
        by_sub: row.try_get("by_sub")?,
        by_name: row.try_get("by_name")?,
        record_json: row.try_get("record_json")?,
        links_json: row.try_get("links_json")?,
    })
}

/// Puts a just-deleted record in the trash.
pub async fn put(conn: &mut AnyConnection, item: &Trashed) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO trash (entity, entity_id, deleted_at, by_sub, by_name, record_json, links_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&item.entity)
    .bind(item.entity_id)
    .bind(&item.deleted_at)
    .bind(&item.by_sub)
    .bind(item.by_name.as_deref())
    .bind(&item.record_json)
    .bind(&item.links_json)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes a record out of the trash; `None` if it is not there. One statement, so of two
/// concurrent takes exactly one gets the row (PostgreSQL: the second waits for the first's
/// row lock, then finds nothing; SQLite: writers take turns).
pub async fn take(
    conn: &mut AnyConnection,
    entity: Entity,
    id: i64,
) -> sqlx::Result<Option<Trashed>> {
    let row = sqlx::query(
        "DELETE FROM trash WHERE entity = $1 AND entity_id = $2 RETURNING entity, entity_id, \
         deleted_at, by_sub, by_name, record_json, links_json",
    )
    .bind(entity.as_str())
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(trashed).transpose()
}

/// One page of the trash, newest first, of the given kinds; and how many there are in all.
pub async fn page(
    conn: &mut AnyConnection,
    kinds: &[Entity],
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<Trashed>, i64)> {
    if kinds.is_empty() {
        return Ok((Vec::new(), 0));
    }
    // Fixed strings from `Entity::as_str`, never request input.
    let kinds: Vec<String> = kinds.iter().map(|e| format!("'{}'", e.as_str())).collect();
    let kinds = kinds.join(", ");
    let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) AS n FROM trash WHERE entity IN ({kinds})"
    )))
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT entity, entity_id, deleted_at, by_sub, by_name, record_json, links_json \
         FROM trash WHERE entity IN ({kinds}) ORDER BY deleted_at DESC, entity, entity_id \
         LIMIT $1 OFFSET $2"
    )))
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    let items = rows.iter().map(trashed).collect::<sqlx::Result<_>>()?;
    Ok((items, total))
}

/// Purges what was deleted before `cutoff` (stored form); how many rows went.
/// Their pictures go with them (a trashed record keeps its pictures for a restore).
pub async fn purge_before(conn: &mut AnyConnection, cutoff: &str) -> sqlx::Result<u64> {
    sqlx::query(
        "DELETE FROM pictures WHERE EXISTS (SELECT 1 FROM trash t WHERE t.deleted_at < $1 \
         AND t.entity = pictures.owner AND t.entity_id = pictures.owner_id)",
    )
    .bind(cutoff)
    .execute(&mut *conn)
    .await?;
    let done =
        sqlx::query("DELETE FROM trash WHERE deleted_at < $1").bind(cutoff).execute(conn).await?;
    Ok(done.rows_affected())
}
