//! Headshots and posters: who may upload, remove and see them, and how an upload becomes
//! stored renditions. One picture per record; a change of it is a change of the record (its
//! version moves on, the journal records the picture's content hash before and after, never
//! the bytes), so lost-update protection, history and live updates cover pictures too.

use std::{future::Future, sync::Arc};

use serde::Serialize;
use sqlx::AnyConnection;

use super::{
    Precondition, ReadKey, Service, Updated,
    journal::{self, Change},
};
use crate::{
    model::{
        Actor, Movie, Permission, Picture,
        picture::{PictureOwner, PictureSize},
    },
    server::{
        ApiError,
        auth::{Principal, Writer},
        db::{
            Backend, actors,
            journal::{Action, Entity},
            movies,
            pictures::{self as sql, Rendition},
        },
        imaging::{self, Processed},
    },
};

/// A record that can have a picture: an actor (photo) or a movie (poster).
pub trait Pictured: Clone + Serialize + Send + Sync + 'static {
    const OWNER: PictureOwner;
    const ENTITY: Entity;
    const READ: Permission;
    const WRITE: Permission;

    fn version(&self) -> i64;
    fn picture(&self) -> Option<&Picture>;
    /// The record, if it exists.
    fn find(
        conn: &mut AnyConnection,
        id: i64,
    ) -> impl Future<Output = sqlx::Result<Option<Self>>> + Send;
    /// The record, its row locked until the transaction ends.
    fn lock(
        conn: &mut AnyConnection,
        backend: Backend,
        id: i64,
    ) -> impl Future<Output = sqlx::Result<Option<Self>>> + Send;
}

impl Pictured for Actor {
    const OWNER: PictureOwner = PictureOwner::Actor;
    const ENTITY: Entity = Entity::Actor;
    const READ: Permission = Permission::GetActors;
    const WRITE: Permission = Permission::PatchActors;

    fn version(&self) -> i64 {
        self.version
    }
    fn picture(&self) -> Option<&Picture> {
        self.photo.as_ref()
    }
    fn find(
        conn: &mut AnyConnection,
        id: i64,
    ) -> impl Future<Output = sqlx::Result<Option<Self>>> + Send {
        actors::find(conn, id)
    }
    fn lock(
        conn: &mut AnyConnection,
        backend: Backend,
        id: i64,
    ) -> impl Future<Output = sqlx::Result<Option<Self>>> + Send {
        actors::find_for_update(conn, backend, id)
    }
}

impl Pictured for Movie {
    const OWNER: PictureOwner = PictureOwner::Movie;
    const ENTITY: Entity = Entity::Movie;
    const READ: Permission = Permission::GetMovies;
    const WRITE: Permission = Permission::PatchMovies;

    fn version(&self) -> i64 {
        self.version
    }
    fn picture(&self) -> Option<&Picture> {
        self.poster.as_ref()
    }
    fn find(
        conn: &mut AnyConnection,
        id: i64,
    ) -> impl Future<Output = sqlx::Result<Option<Self>>> + Send {
        movies::find(conn, id)
    }
    fn lock(
        conn: &mut AnyConnection,
        backend: Backend,
        id: i64,
    ) -> impl Future<Output = sqlx::Result<Option<Self>>> + Send {
        movies::find_for_update(conn, backend, id)
    }
}

/// The bytes of an upload, as the HTTP layer received them.
pub type Upload = axum::body::Bytes;

fn not_found(owner: PictureOwner, id: i64) -> ApiError {
    ApiError::NotFound(format!("{} {id} not found", owner.as_str()))
}

fn no_picture(owner: PictureOwner, id: i64) -> ApiError {
    ApiError::NotFound(format!("{} {id} has no {}", owner.as_str(), owner.picture_name()))
}

/// The memory uploads being decoded may take together, in MiB: each is admitted by what its
/// header says decoding it will take ([`imaging::decoding_cost`] estimates ~590 MB for a
/// 40-megapixel 16-bit RGBA PNG, ~180 MB for a phone's 12-megapixel JPEG), so a burst of large
/// ones waits its turn instead of exhausting the server.
pub const IMAGING_MEMORY_MIB: usize = 1024;

/// How many uploads are decoded at once: each may hold a few hundred MB while it is, and the
/// work is all CPU, so more than the cores would only queue inside the blocking pool.
pub fn imaging_concurrency() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4)
}

impl Service {
    /// Refuses, before an upload is read, a caller who may not change this kind's pictures:
    /// the HTTP layer asks first, so a caller without the permission cannot make the server
    /// take in megabytes only to be told 403. [`Service::put_picture`] checks it again.
    pub fn may_change_pictures<T: Pictured>(&self, who: &Writer) -> Result<(), ApiError> {
        who.require(T::WRITE)
    }

    /// Makes `upload` the record's picture. The upload is checked and re-encoded before the
    /// write begins (no lock is held while it is), then renditions and record change in one
    /// transaction: on any failure nothing is stored. The same picture again writes nothing.
    pub async fn put_picture<T: Pictured>(
        &self,
        who: &Writer,
        id: i64,
        precondition: &Precondition,
        upload: Upload,
    ) -> Result<Updated<T>, ApiError> {
        self.may_change_pictures::<T>(who)?;
        precondition.readable()?;
        // A missing record is a 404 before the work of decoding.
        self.require_record::<T>(id).await?;
        let processed = self.process(upload).await?;
        let backend = self.db().backend();
        let mut tx = self.db().begin_write().await?;
        let before = T::lock(&mut tx, backend, id).await?.ok_or_else(|| not_found(T::OWNER, id))?;
        precondition.check(T::OWNER.as_str(), id, before.version(), &before)?;
        if before.picture().is_some_and(|p| p.etag == processed.etag) {
            return Ok(Updated { after: before.clone(), before });
        }
        let renditions: Vec<Rendition> = processed
            .renditions
            .into_iter()
            .map(|r| Rendition {
                size: r.size,
                etag: processed.etag.clone(),
                content_type: r.content_type.to_owned(),
                width: r.width,
                height: r.height,
                data: r.data,
            })
            .collect();
        sql::replace(&mut tx, T::OWNER, id, &renditions).await?;
        let shown = Some((processed.etag.as_str(), processed.width, processed.height));
        sql::set_on_record(&mut tx, T::OWNER, id, shown).await?;
        let after = T::lock(&mut tx, backend, id).await?.ok_or_else(|| not_found(T::OWNER, id))?;
        self.journal_picture_change(&mut tx, who, id, &before, &after).await?;
        tx.commit().await?;
        Ok(Updated { before, after })
    }

    /// Removes the record's picture; 404 when it has none.
    pub async fn remove_picture<T: Pictured>(
        &self,
        who: &Writer,
        id: i64,
        precondition: &Precondition,
    ) -> Result<Updated<T>, ApiError> {
        who.require(T::WRITE)?;
        precondition.readable()?;
        let backend = self.db().backend();
        let mut tx = self.db().begin_write().await?;
        let before = T::lock(&mut tx, backend, id).await?.ok_or_else(|| not_found(T::OWNER, id))?;
        precondition.check(T::OWNER.as_str(), id, before.version(), &before)?;
        if before.picture().is_none() {
            return Err(no_picture(T::OWNER, id));
        }
        sql::remove(&mut tx, T::OWNER, id).await?;
        sql::set_on_record(&mut tx, T::OWNER, id, None).await?;
        let after = T::lock(&mut tx, backend, id).await?.ok_or_else(|| not_found(T::OWNER, id))?;
        self.journal_picture_change(&mut tx, who, id, &before, &after).await?;
        tx.commit().await?;
        Ok(Updated { before, after })
    }

    /// One rendition of the record's picture: 404 when the record does not exist or has no
    /// picture. Remembered until the next write, like every read.
    pub async fn picture<T: Pictured>(
        &self,
        who: &Principal,
        id: i64,
        size: PictureSize,
    ) -> Result<Arc<Rendition>, ApiError> {
        who.require(T::READ)?;
        let found = self
            .cache()
            // Weighed as one row per KB: the cache (10,000 rows) keeps about 10 MB of them at most.
            .get_or_load(
                ReadKey::Picture(T::OWNER, id, size),
                |r: &Option<Arc<Rendition>>| r.as_ref().map_or(1, |r| 1 + r.data.len() / 1024),
                || async {
                    let mut conn = self.db().pool().acquire().await?;
                    Ok(sql::find(&mut conn, T::OWNER, id, size).await?.map(Arc::new))
                },
            )
            .await?;
        match found {
            Some(rendition) => Ok(rendition),
            None => {
                self.require_record::<T>(id).await?;
                Err(no_picture(T::OWNER, id))
            }
        }
    }

    async fn require_record<T: Pictured>(&self, id: i64) -> Result<(), ApiError> {
        let mut conn = self.db().pool().acquire().await?;
        match T::find(&mut conn, id).await? {
            Some(_) => Ok(()),
            None => Err(not_found(T::OWNER, id)),
        }
    }

    async fn journal_picture_change<T: Pictured>(
        &self,
        tx: &mut AnyConnection,
        who: &Writer,
        id: i64,
        before: &T,
        after: &T,
    ) -> Result<(), ApiError> {
        let change = Change::of(
            T::ENTITY,
            id,
            Action::Update,
            journal::state(before),
            journal::state(after),
        );
        journal::record(tx, who, change).await
    }

    /// Checks and re-encodes an upload on the blocking pool, at most
    /// [`imaging_concurrency`] at a time and within [`IMAGING_MEMORY_MIB`].
    async fn process(&self, upload: Upload) -> Result<Processed, ApiError> {
        let refused = |refusal: imaging::Refusal| {
            ApiError::validation("image", refusal.code(), refusal.to_string())
        };
        // The header alone (cheap): what decoding will take, admitted against the budget.
        let cost = imaging::decoding_cost(&upload).map_err(refused)?;
        let mib = cost.div_ceil(1 << 20).clamp(1, IMAGING_MEMORY_MIB as u64) as u32;
        let memory = self.imaging_memory().clone().acquire_many_owned(mib);
        let memory = memory.await.map_err(ApiError::internal)?;
        let slot =
            self.imaging_slots().clone().acquire_owned().await.map_err(ApiError::internal)?;
        // A decoder that panics on some hostile file is a bug in it, but the file is still
        // the sender's to fix: refused as damaged (and logged), never a 500.
        // The permits go with the work: a client that hangs up stops waiting for it, but the
        // decoding goes on until it is done, and holds its memory and its core until then.
        let done = tokio::task::spawn_blocking(move || {
            let _held = (memory, slot);
            std::panic::catch_unwind(|| imaging::process(&upload)).unwrap_or_else(|_| {
                tracing::warn!("an image decoder panicked on an upload; refused as damaged");
                Err(imaging::Refusal::Damaged)
            })
        })
        .await
        .map_err(ApiError::internal)?;
        done.map_err(refused)
    }
}
