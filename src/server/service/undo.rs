//! Undoing, from the history, what one action did to many records at once: an import (its
//! records go to the trash) or a bulk delete (they come back). The batch's changes are read
//! back from the journal and reversed in one transaction, itself journaled as a new batch, so
//! an undo can be undone too.

use super::{Precondition, Service, journal, kinds::Kind};
use crate::{
    model::{
        Actor, Movie,
        journal::{ChangeEntry, UndoneBatch, is_batch_id},
        spreadsheet::IMPORT_MAX_ROWS,
    },
    server::{
        ApiError,
        auth::Writer,
        db::journal::{self as sql, Action, Entity, Selection, Subject},
    },
};

/// What a batch's reversal is: the kind of record, and whether its records are deleted (an
/// import's creates, a restore's) or restored (a delete's).
#[derive(Clone, Copy)]
struct Reversal {
    entity: Entity,
    reverse: Action,
}

fn reversal(entries: &[ChangeEntry]) -> Result<Reversal, ApiError> {
    let first = &entries[0];
    let same = |e: &ChangeEntry| e.entity == first.entity && e.action == first.action;
    let entity = Entity::parse(&first.entity).filter(|e| *e != Entity::Casting);
    let reverse = match first.action.as_str() {
        "create" | "restore" => Some(Action::Delete),
        "delete" => Some(Action::Restore),
        _ => None,
    };
    match (entity, reverse) {
        (Some(entity), Some(reverse)) if entries.iter().all(same) => {
            Ok(Reversal { entity, reverse })
        }
        _ => Err(ApiError::validation(
            "batch",
            "not_undoable",
            "only an import, a bulk delete or a bulk restore can be undone as a whole",
        )),
    }
}

/// A batch's record as that batch left it: the version to expect when deleting it again.
fn version_after(entry: &ChangeEntry) -> Precondition {
    entry
        .after
        .as_ref()
        .and_then(|after| after.get("version"))
        .and_then(serde_json::Value::as_i64)
        .map_or(Precondition::None, Precondition::version)
}

impl Service {
    /// Reverses the batch `batch` (see the module): 404 for a batch the caller cannot read,
    /// 422 for one that is not an import, bulk delete or bulk restore, 412 (nothing undone)
    /// when a record an import (or a bulk restore) made has changed since. Records already
    /// deleted (for an import) or already back (for a bulk delete) are skipped.
    pub async fn undo_batch(&self, who: &Writer, batch: &str) -> Result<UndoneBatch, ApiError> {
        if !is_batch_id(batch) {
            return Err(ApiError::invalid("batch", "batch must be a batch id from a change entry"));
        }
        let selection = Selection {
            subject: Subject::Everything,
            readable: journal::readable(who),
            entity: None,
            action: None,
            by: None,
            since: None,
            batch: Some(batch.to_owned()),
        };
        let mut conn = self.db().pool().acquire().await?;
        // A batch is at most an import's rows (the undo of one is no larger); one that is
        // larger is refused rather than undone in part.
        let limit = IMPORT_MAX_ROWS as i64;
        let (mut entries, total) = sql::page(&mut conn, &selection, limit, 0).await?;
        drop(conn);
        if entries.is_empty() {
            return Err(ApiError::NotFound(format!("batch {batch} not found")));
        }
        if total > limit {
            return Err(ApiError::validation(
                "batch",
                "too_many",
                format!("this batch has {total} changes; at most {limit} are undone at once"),
            ));
        }
        // In id order, as bulk writes lock rows (so two never wait on each other in a circle).
        entries.sort_by_key(|e| e.entity_id);
        let Reversal { entity, reverse } = reversal(&entries)?;
        let who = who.in_batch(journal::new_batch());
        let (undone, skipped) = match entity {
            Entity::Actor => self.reverse::<Actor>(&who, &entries, reverse).await?,
            _ => self.reverse::<Movie>(&who, &entries, reverse).await?,
        };
        // Nothing changed (all already done): no batch to name.
        let batch = (!undone.is_empty()).then(|| who.batch().unwrap_or_default().to_owned());
        Ok(UndoneBatch {
            success: true,
            entity: entity.as_str().to_owned(),
            action: reverse.as_str().to_owned(),
            undone,
            skipped,
            batch,
        })
    }
}

impl Service {
    /// Deletes (`reverse` is `Delete`) or restores the records of `entries`, all of kind `T`,
    /// in one transaction: the ids changed, and those skipped because they already were.
    async fn reverse<T: Kind>(
        &self,
        who: &Writer,
        entries: &[ChangeEntry],
        reverse: Action,
    ) -> Result<(Vec<i64>, Vec<i64>), ApiError> {
        who.require(T::DELETE)?;
        let (mut undone, mut skipped) = (Vec::new(), Vec::new());
        let mut tx = self.db().begin_write().await?;
        for entry in entries {
            let id = entry.entity_id;
            let done = match reverse {
                Action::Delete => {
                    T::delete_in(self, &mut tx, who, id, &version_after(entry)).await.map(drop)
                }
                _ => T::restore_in(self, &mut tx, who, id).await.map(drop),
            };
            match done {
                Ok(()) => undone.push(id),
                // Deleted (or restored) since by someone else: nothing to reverse.
                Err(ApiError::NotFound(_)) => skipped.push(id),
                Err(ApiError::PreconditionFailed { current, .. }) => {
                    return Err(ApiError::PreconditionFailed {
                        message: format!(
                            "{} {id} has changed since; nothing was undone (delete it on its own \
                             if it should go)",
                            entry.entity
                        ),
                        current,
                    });
                }
                Err(err) => return Err(err),
            }
        }
        tx.commit().await?;
        Ok((undone, skipped))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(entity: &str, action: &str) -> ChangeEntry {
        ChangeEntry {
            id: 1,
            at: String::new(),
            by: crate::model::journal::ChangedBy { sub: "s".into(), name: None },
            entity: entity.into(),
            entity_id: 1,
            actor_id: None,
            action: action.into(),
            before: None,
            after: None,
            batch: Some("b".into()),
        }
    }

    fn reverses(entries: &[ChangeEntry]) -> Option<(Entity, Action)> {
        reversal(entries).ok().map(|r| (r.entity, r.reverse))
    }

    #[test]
    fn imports_and_bulk_deletes_reverse_and_nothing_else_does() {
        let import = [entry("actor", "create"), entry("actor", "create")];
        assert_eq!(reverses(&import), Some((Entity::Actor, Action::Delete)));
        assert_eq!(reverses(&[entry("movie", "delete")]), Some((Entity::Movie, Action::Restore)));
        assert_eq!(reverses(&[entry("movie", "restore")]), Some((Entity::Movie, Action::Delete)));
        // Casting several at once is a batch, but not one to undo as a whole.
        assert_eq!(reverses(&[entry("casting", "cast"), entry("casting", "cast")]), None);
        assert_eq!(reverses(&[entry("actor", "update")]), None);
        // A batch that mixes kinds or actions is not one action's: refused.
        assert_eq!(reverses(&[entry("actor", "create"), entry("movie", "create")]), None);
        assert_eq!(reverses(&[entry("actor", "create"), entry("actor", "delete")]), None);
    }
}
