//! SQL for the change journal (`changes`): one row appended per write, inside the write's
//! transaction (see the migration). Nothing here updates or deletes a row.

use sqlx::{AnyConnection, Row};

use super::filter::{Filter, Value};
use crate::model::journal::{ChangeEntry, ChangedBy};

/// What kind of record a change is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entity {
    Actor,
    Movie,
    /// An actor's place in a movie's cast: `entity_id` is the movie, `actor_id` the actor.
    Casting,
}

impl Entity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Entity::Actor => "actor",
            Entity::Movie => "movie",
            Entity::Casting => "casting",
        }
    }
}

/// What a change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
    /// A deleted record brought back from the trash.
    Restore,
    /// An actor added to a cast.
    Cast,
    /// A cast member's character changed.
    Recast,
    /// An actor removed from a cast.
    Uncast,
}

impl Action {
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Restore => "restore",
            Action::Cast => "cast",
            Action::Recast => "recast",
            Action::Uncast => "uncast",
        }
    }
}

/// One journal row, before it is written.
#[derive(Debug)]
pub struct Entry<'a> {
    pub by_sub: &'a str,
    pub by_name: Option<&'a str>,
    pub entity: Entity,
    pub entity_id: i64,
    pub actor_id: Option<i64>,
    pub action: Action,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// Shared by the changes of one action on many records (see the migration).
    pub batch: Option<&'a str>,
}

/// Appends `entry`, stamped with the current instant; its id.
pub async fn append(conn: &mut AnyConnection, entry: &Entry<'_>) -> sqlx::Result<i64> {
    let now: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
    let at = crate::model::dates::to_storage(&now);
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(serde_json::Value::to_string);
    sqlx::query(
        "INSERT INTO changes \
         (at, by_sub, by_name, entity, entity_id, actor_id, action, before_json, after_json, \
          batch) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(at)
    .bind(entry.by_sub)
    .bind(entry.by_name)
    .bind(entry.entity.as_str())
    .bind(entry.entity_id)
    .bind(entry.actor_id)
    .bind(entry.action.as_str())
    .bind(json(&entry.before))
    .bind(json(&entry.after))
    .bind(entry.batch)
    .fetch_one(conn)
    .await?
    .try_get("id")
}

impl Entity {
    pub const ALL: [Entity; 3] = [Entity::Actor, Entity::Movie, Entity::Casting];

    pub fn parse(s: &str) -> Option<Entity> {
        Entity::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::Restore,
        Action::Cast,
        Action::Recast,
        Action::Uncast,
    ];

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Whose changes a read is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The whole feed.
    Everything,
    /// One actor's history: their own changes and their castings.
    Actor(i64),
    /// One movie's history: its own changes and its cast's.
    Movie(i64),
}

/// Which changes to read.
#[derive(Clone, Debug)]
pub struct Selection {
    pub subject: Subject,
    /// The kinds the caller may read; nothing else is ever returned.
    pub readable: Vec<Entity>,
    pub entity: Option<Entity>,
    pub action: Option<Action>,
    pub by: Option<String>,
    /// Only changes after this id, oldest first (for clients following the feed); otherwise
    /// newest first.
    pub since: Option<i64>,
    /// Only the changes of this batch.
    pub batch: Option<String>,
}

fn filter(selection: &Selection) -> Filter {
    let mut filter = Filter::default();
    // Fixed strings from `Entity::as_str`, never request input.
    let readable: Vec<String> =
        selection.readable.iter().map(|e| format!("'{}'", e.as_str())).collect();
    // Every kind readable: no condition at all, so the planner is free to walk the primary
    // key newest first (an `entity IN (…)` of every kind would steer it to the entity index).
    match readable.len() {
        0 => filter.push_fixed("1 = 0"),
        n if n == Entity::ALL.len() => {}
        _ => filter.push_fixed(&format!("entity IN ({})", readable.join(", "))),
    }
    match selection.subject {
        Subject::Everything => {}
        Subject::Actor(id) => filter.push(
            "((entity = 'actor' AND entity_id = {}) OR (entity = 'casting' AND actor_id = {}))",
            Value::Int(id),
        ),
        Subject::Movie(id) => {
            filter.push("(entity IN ('movie', 'casting') AND entity_id = {})", Value::Int(id))
        }
    }
    if let Some(entity) = selection.entity {
        filter.push("entity = {}", Value::Text(entity.as_str().to_owned()));
    }
    if let Some(action) = selection.action {
        filter.push("action = {}", Value::Text(action.as_str().to_owned()));
    }
    if let Some(by) = &selection.by {
        filter.push("by_sub = {}", Value::Text(by.clone()));
    }
    if let Some(since) = selection.since {
        filter.push("id > {}", Value::Int(since));
    }
    if let Some(batch) = &selection.batch {
        filter.push("batch = {}", Value::Text(batch.clone()));
    }
    filter
}

/// One page of the selected changes, and how many there are in all.
pub async fn page(
    conn: &mut AnyConnection,
    selection: &Selection,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<ChangeEntry>, i64)> {
    let filter = filter(selection);
    let order = if selection.since.is_some() { "ASC" } else { "DESC" };
    let where_clause = filter.sql();
    let n = filter.next_placeholder();
    let total = total(conn, selection, &filter).await?;
    let rows = filter
        .bind(sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM changes{where_clause} ORDER BY id {order} LIMIT ${n} OFFSET ${}",
            n + 1
        ))))
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    let entries = rows.iter().map(entry).collect::<sqlx::Result<_>>()?;
    Ok((entries, total))
}

const COLUMNS: &str =
    "id, at, by_sub, by_name, entity, entity_id, actor_id, action, before_json, after_json, batch";

fn entry(row: &sqlx::any::AnyRow) -> sqlx::Result<ChangeEntry> {
    let json = |text: Option<String>| -> sqlx::Result<Option<serde_json::Value>> {
        text.map(|t| serde_json::from_str(&t).map_err(|e| sqlx::Error::Decode(Box::new(e))))
            .transpose()
    };
    Ok(ChangeEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        by: ChangedBy { sub: row.try_get("by_sub")?, name: row.try_get("by_name")? },
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        actor_id: row.try_get("actor_id")?,
        action: row.try_get("action")?,
        before: json(row.try_get("before_json")?)?,
        after: json(row.try_get("after_json")?)?,
        batch: row.try_get("batch")?,
    })
}

/// Up to `limit` changes with ids above `after`, oldest first, whoever may read them: what
/// the live feed delivers (it filters per stream).
pub async fn after(
    conn: &mut AnyConnection,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<ChangeEntry>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM changes WHERE id > $1 ORDER BY id LIMIT $2"
    )))
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(entry).collect()
}

/// The ids of up to `limit` changes after `after`, oldest first: how the live feed keeps its
/// place while nobody is listening, without reading the entries.
pub async fn ids_after(conn: &mut AnyConnection, after: i64, limit: i64) -> sqlx::Result<Vec<i64>> {
    let rows = sqlx::query("SELECT id FROM changes WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(after)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(|row| row.try_get::<i64, _>(0)).collect()
}

/// Up to `limit` changes of the `readable` kinds with ids in `after + 1 ..= through`, oldest
/// first: what a reconnecting live client missed.
pub async fn between(
    conn: &mut AnyConnection,
    readable: &[Entity],
    after: i64,
    through: i64,
    limit: i64,
) -> sqlx::Result<Vec<ChangeEntry>> {
    let selection = Selection {
        subject: Subject::Everything,
        readable: readable.to_vec(),
        entity: None,
        action: None,
        by: None,
        since: Some(after),
        batch: None,
    };
    let mut filter = filter(&selection);
    filter.push("id <= {}", Value::Int(through));
    let n = filter.next_placeholder();
    let rows = filter
        .bind(sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM changes{} ORDER BY id LIMIT ${n}",
            filter.sql()
        ))))
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(entry).collect()
}

/// The newest change's id (0 for an empty journal).
pub async fn latest(conn: &mut AnyConnection) -> sqlx::Result<i64> {
    sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS id FROM changes")
        .fetch_one(conn)
        .await?
        .try_get("id")
}

/// How many changes `selection` matches. The feed filtered only by kind, action and author
/// (what `GET /changes` is asked for nearly always) is summed from `change_counts`, which the
/// journal's insert trigger keeps exact in the writing transaction; a record's history,
/// `since` and `batch` count their rows through an index, and those rows are few: one
/// record's changes, those after a recent id, or one action's (at most an import's 10,000).
async fn total(
    conn: &mut AnyConnection,
    selection: &Selection,
    filter: &Filter,
) -> sqlx::Result<i64> {
    let counted = selection.subject == Subject::Everything
        && selection.since.is_none()
        && selection.batch.is_none();
    // Both forms read columns `entity`, `action` and `by_sub`, which the counts share (a
    // batch is counted through its own index).
    let sql = if counted {
        // PostgreSQL's SUM of a BIGINT is a NUMERIC, which the Any driver cannot decode.
        format!(
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM change_counts{}",
            filter.sql()
        )
    } else {
        format!("SELECT COUNT(*) AS n FROM changes{}", filter.sql())
    };
    let row = filter.bind(sqlx::query(sqlx::AssertSqlSafe(sql))).fetch_one(conn).await?;
    row.try_get("n")
}

/// How many changes `selection` matches (see [`page`]'s total).
pub async fn count(conn: &mut AnyConnection, selection: &Selection) -> sqlx::Result<i64> {
    total(conn, selection, &filter(selection)).await
}

/// Whether anything was ever journaled about this subject (history outlives a delete).
pub async fn mentions(conn: &mut AnyConnection, subject: Subject) -> sqlx::Result<bool> {
    let selection = Selection {
        subject,
        readable: Entity::ALL.to_vec(),
        entity: None,
        action: None,
        by: None,
        since: None,
        batch: None,
    };
    let filter = filter(&selection);
    let sql = format!("SELECT EXISTS (SELECT 1 FROM changes{}) AS found", filter.sql());
    let row = filter.bind(sqlx::query(sqlx::AssertSqlSafe(sql))).fetch_one(conn).await?;
    // SQLite answers an integer, PostgreSQL a boolean.
    row.try_get::<bool, _>("found").or_else(|_| row.try_get::<i64, _>("found").map(|n| n != 0))
}
