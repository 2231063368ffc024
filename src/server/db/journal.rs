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
}

/// Appends `entry`, stamped with the current instant; its id.
pub async fn append(conn: &mut AnyConnection, entry: &Entry<'_>) -> sqlx::Result<i64> {
    let now: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
    let at = crate::model::dates::to_storage(&now);
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(serde_json::Value::to_string);
    sqlx::query(
        "INSERT INTO changes \
         (at, by_sub, by_name, entity, entity_id, actor_id, action, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
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
    let total: i64 = filter
        .bind(sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM changes{where_clause}"
        ))))
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    let rows = filter
        .bind(sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id, at, by_sub, by_name, entity, entity_id, actor_id, action, before_json, \
             after_json FROM changes{where_clause} ORDER BY id {order} LIMIT ${n} OFFSET ${}",
            n + 1
        ))))
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    let json = |text: Option<String>| -> sqlx::Result<Option<serde_json::Value>> {
        text.map(|t| serde_json::from_str(&t).map_err(|e| sqlx::Error::Decode(Box::new(e))))
            .transpose()
    };
    let entries = rows
        .iter()
        .map(|row| {
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
            })
        })
        .collect::<sqlx::Result<_>>()?;
    Ok((entries, total))
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
    };
    let filter = filter(&selection);
    let sql = format!("SELECT EXISTS (SELECT 1 FROM changes{}) AS found", filter.sql());
    let row = filter.bind(sqlx::query(sqlx::AssertSqlSafe(sql))).fetch_one(conn).await?;
    // SQLite answers an integer, PostgreSQL a boolean.
    row.try_get::<bool, _>("found").or_else(|_| row.try_get::<i64, _>("found").map(|n| n != 0))
}
