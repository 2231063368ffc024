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
    /// Shared by the changes one action made together: an import, a bulk delete or restore,
    /// several actors cast at once (absent for a change made on its own). `GET
    /// /changes?batch=` lists them; `POST /changes/batches/{batch}/undo` undoes an import or a
    /// bulk delete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(nullable = false, example = "k3Jq0d9uT8m2xWv1bYc4Ag"))]
    pub batch: Option<String>,
}

/// What a batch id looks like (22 URL-safe base64 characters: 128 random bits); the query
/// parameters that take one say the same.
pub const BATCH_PATTERN: &str = "^[A-Za-z0-9_-]{22}$";

/// Whether `s` could be a batch id (see [`BATCH_PATTERN`]).
pub fn is_batch_id(s: &str) -> bool {
    s.len() == 22 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
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

/// What undoing a batch did: the import's records moved to the trash, or the bulk delete's
/// records brought back. Those already gone (or already back) are skipped, not refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UndoneBatch {
    pub success: bool,
    /// `actor` or `movie`.
    #[cfg_attr(feature = "ssr", schema(example = "actor"))]
    pub entity: String,
    /// `delete` (an import undone: its records are in the trash) or `restore` (a bulk delete
    /// undone).
    #[cfg_attr(feature = "ssr", schema(example = "delete"))]
    pub action: String,
    /// The records changed, ascending.
    pub undone: Vec<i64>,
    /// The batch's records that needed nothing: already deleted, or already restored.
    pub skipped: Vec<i64>,
    /// The undo's own batch (itself undoable: undoing an import's undo restores it); absent
    /// when there was nothing left to undo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(nullable = false, example = "Zp0q9v3HkT1mB8sW2xYc7Q"))]
    pub batch: Option<String>,
}
