//! SQL for the change journal (`changes`): one row appended per write, inside the write's
//! transaction (see the migration). Nothing here updates or deletes a row.

use sqlx::{AnyConnection, Row};

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
