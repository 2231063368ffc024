//! Every write's entry in the change journal (`db::journal`), appended from inside the write's
//! transaction: the entry and the write commit together or not at all.

use serde::Serialize;
use serde_json::Value;
use sqlx::AnyConnection;

use crate::server::{
    ApiError,
    auth::Writer,
    db::journal::{self, Action, Entity, Entry},
};

/// A record as the journal keeps it: as the API renders it.
pub(super) fn state<T: Serialize>(record: &T) -> Option<Value> {
    serde_json::to_value(record).ok()
}

/// An actor's place in a cast, as the journal keeps it.
pub(super) fn casting(movie_id: i64, actor_id: i64, character: Option<&str>) -> Option<Value> {
    Some(serde_json::json!({"movie_id": movie_id, "actor_id": actor_id, "character": character}))
}

/// What changed, by whom; `actor_id` only for castings.
pub(super) struct Change {
    pub entity: Entity,
    pub entity_id: i64,
    pub actor_id: Option<i64>,
    pub action: Action,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

pub(super) async fn record(
    conn: &mut AnyConnection,
    who: &Writer,
    change: Change,
) -> Result<(), ApiError> {
    let entry = Entry {
        by_sub: who.subject(),
        by_name: who.name(),
        entity: change.entity,
        entity_id: change.entity_id,
        actor_id: change.actor_id,
        action: change.action,
        before: change.before,
        after: change.after,
    };
    journal::append(conn, &entry).await?;
    Ok(())
}
