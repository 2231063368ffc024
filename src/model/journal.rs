//! The change journal as the API shows it: who changed what, when, from what to what.

use serde::{Deserialize, Serialize};

/// One change: a create, update, delete or restore of an actor or movie, or a casting change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChangeEntry {
    /// Increases with every change; `since` in `GET /changes` takes it.
    pub id: i64,
    /// When, as RFC 3339 in UTC.
    #[cfg_attr(feature = "ssr", schema(example = "2026-12-02T14:08:28.123456789Z"))]
    pub at: String,
    pub by: ChangedBy,
    /// `actor`, `movie` or `casting`.
    #[cfg_attr(feature = "ssr", schema(example = "actor"))]
    pub entity: String,
    /// The actor or movie; for a casting, the movie.
    pub entity_id: i64,
    /// For a casting, the actor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(nullable = false))]
    pub actor_id: Option<i64>,
    /// `create`, `update`, `delete`, `restore`, `cast`, `recast` or `uncast`.
    #[cfg_attr(feature = "ssr", schema(example = "update"))]
    pub action: String,
    /// The record before the change, as the API renders it (`null` for a create or a cast).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    /// The record after the change (`null` for a delete or an uncast).
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
}

/// Who made a change: the token's subject, and its display name when it carried one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChangedBy {
    #[cfg_attr(feature = "ssr", schema(example = "auth0|5e710ff652eb9d0d1860c9e3"))]
    pub sub: String,
    pub name: Option<String>,
}

/// A deleted actor or movie in the trash, restorable until it is purged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrashItem {
    /// `actor` or `movie`.
    #[cfg_attr(feature = "ssr", schema(example = "actor"))]
    pub entity: String,
    /// Its id, which it keeps when restored.
    pub id: i64,
    /// The actor's name or the movie's title, for people.
    pub name: String,
    /// When it was deleted, as RFC 3339 in UTC.
    #[cfg_attr(feature = "ssr", schema(example = "2026-12-02T14:08:28.123456789Z"))]
    pub deleted_at: String,
    /// Until when it can be restored (then it is purged; its history stays).
    #[cfg_attr(feature = "ssr", schema(example = "2027-01-01T14:08:28.123456789Z"))]
    pub purge_after: String,
    pub by: ChangedBy,
    /// The record as it was deleted, as the API renders it.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub record: serde_json::Value,
    /// How many cast links the delete removed (restored with it where the other side exists).
    pub cast_links: i64,
}

/// What a restore brought back, for the notice that tells the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoredRecord {
    /// `actor` or `movie`.
    pub entity: String,
    pub id: i64,
    /// The actor's name or the movie's title.
    pub name: String,
    /// How many of its cast links came back with it.
    pub cast_links: usize,
}
