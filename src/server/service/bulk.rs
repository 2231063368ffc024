//! Several records at once: `POST /actors/bulk-delete` and friends. Each id goes through the
//! steps of its single delete (or restore), with the same 404 and 412 rules, all in one
//! transaction: every one or none.

use super::{Deleted, Input, Precondition, Restored, Service, journal, kinds::Kind};
use crate::{
    model::{
        Actor, Movie,
        spreadsheet::{BULK_MAX_IDS, BulkIds},
    },
    server::{ApiError, auth::Writer},
};

/// The ids, each with what it expects (its `versions` entry, if any), in ascending order (so
/// two bulk writes lock rows in the same order); refused when empty, too many, repeated, or
/// with a version for an id not listed.
fn checked(input: BulkIds) -> Result<Vec<(i64, Precondition)>, ApiError> {
    if input.ids.is_empty() {
        return Err(ApiError::validation("ids", "required", "ids must list at least one id"));
    }
    if input.ids.len() > BULK_MAX_IDS {
        return Err(ApiError::validation(
            "ids",
            "too_many",
            format!("ids may list at most {BULK_MAX_IDS} ids at once"),
        ));
    }
    let mut ids = input.ids.clone();
    ids.sort_unstable();
    if let Some(pair) = ids.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(ApiError::invalid("ids", format!("id {} is listed twice", pair[0])));
    }
    if let Some(bad) = ids.iter().find(|id| **id < 1) {
        return Err(ApiError::invalid("ids", format!("{bad} is not an id (ids start at 1)")));
    }
    for key in input.versions.keys() {
        if !key.parse::<i64>().is_ok_and(|id| ids.binary_search(&id).is_ok()) {
            return Err(ApiError::invalid(
                "versions",
                format!("versions names `{key}`, which is not one of ids"),
            ));
        }
    }
    Ok(ids
        .into_iter()
        .map(|id| {
            let expected = input.versions.get(&id.to_string()).copied();
            (id, expected.map_or(Precondition::None, Precondition::version))
        })
        .collect())
}

impl Service {
    /// Moves every listed actor to the trash, or none: a missing one is 404, one changed
    /// since its listed version 412, and nothing is deleted.
    pub async fn delete_actors(
        &self,
        who: &Writer,
        input: impl Input<BulkIds>,
    ) -> Result<Vec<Deleted<Actor>>, ApiError> {
        self.delete_many(who, input).await
    }

    /// Moves every listed movie to the trash, or none; see [`Service::delete_actors`].
    pub async fn delete_movies(
        &self,
        who: &Writer,
        input: impl Input<BulkIds>,
    ) -> Result<Vec<Deleted<Movie>>, ApiError> {
        self.delete_many(who, input).await
    }

    /// Brings every listed actor back from the trash, or none (404 for one not there): the
    /// one Undo of a bulk delete.
    pub async fn restore_actors(
        &self,
        who: &Writer,
        input: impl Input<BulkIds>,
    ) -> Result<Vec<Restored<Actor>>, ApiError> {
        self.restore_many(who, input).await
    }

    /// Brings every listed movie back from the trash, or none; see
    /// [`Service::restore_actors`].
    pub async fn restore_movies(
        &self,
        who: &Writer,
        input: impl Input<BulkIds>,
    ) -> Result<Vec<Restored<Movie>>, ApiError> {
        self.restore_many(who, input).await
    }

    async fn delete_many<T: Kind>(
        &self,
        who: &Writer,
        input: impl Input<BulkIds>,
    ) -> Result<Vec<Deleted<T>>, ApiError> {
        who.require(T::DELETE)?;
        let ids = checked(input.into_input()?)?;
        let who = &who.in_batch(journal::new_batch());
        let mut tx = self.db().begin_write().await?;
        let mut gone = Vec::with_capacity(ids.len());
        for (id, precondition) in &ids {
            gone.push(T::delete_in(self, &mut tx, who, *id, precondition).await?);
        }
        tx.commit().await?;
        Ok(gone)
    }

    async fn restore_many<T: Kind>(
        &self,
        who: &Writer,
        input: impl Input<BulkIds>,
    ) -> Result<Vec<Restored<T>>, ApiError> {
        who.require(T::DELETE)?;
        let ids = checked(input.into_input()?)?;
        let who = &who.in_batch(journal::new_batch());
        let mut tx = self.db().begin_write().await?;
        let mut back = Vec::with_capacity(ids.len());
        for (id, _) in &ids {
            back.push(T::restore_in(self, &mut tx, who, *id).await?);
        }
        tx.commit().await?;
        Ok(back)
    }
}
