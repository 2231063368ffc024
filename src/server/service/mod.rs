//! The service layer: the one place that decides who may do what and what input is valid.
//! REST handlers and Leptos server functions are thin calls into it, so the two can never
//! drift apart.
//!
//! Each operation checks the caller's permission first, then decodes and validates the input,
//! then runs its reads and write in one transaction.

mod actors;
mod bulk;
mod castings;
mod export;
mod import;
mod journal;
mod kinds;
pub mod live;
mod movies;
pub mod pictures;
mod read_cache;
mod trash;
mod undo;
pub mod validate;
mod versions;

pub use export::{Batches, EXPORT_BATCH};
pub use journal::ChangeQuery;
pub use live::{LiveEvent, LiveFeed, LiveOptions, LiveStream, StreamEnd};
pub use read_cache::{ReadCache, ReadKey};
pub use trash::{DEFAULT_RETENTION, TrashPage};
pub use versions::Precondition;

use std::sync::Arc;

use crate::{
    model::{
        ActorPatch, CastingInput, MoviePatch, NewActor, NewMovie,
        query::{ActorQuery, MovieQuery, Page},
    },
    server::{ApiError, db::Db},
};

#[derive(Clone, Debug)]
pub struct Service {
    db: Db,
    cache: ReadCache,
    trash_retention: std::time::Duration,
    /// Live updates (`GET /events`); `None` where nothing started them (benchmarks).
    live: Option<LiveFeed>,
    /// Uploads being decoded (see [`pictures::imaging_concurrency`]).
    imaging_slots: Arc<tokio::sync::Semaphore>,
    /// The memory they may take, in MiB (see [`pictures::IMAGING_MEMORY_MIB`]).
    imaging_memory: Arc<tokio::sync::Semaphore>,
}

impl Service {
    pub fn new(db: Db) -> Service {
        Service {
            cache: ReadCache::new(db.clone()),
            db,
            trash_retention: DEFAULT_RETENTION,
            live: None,
            imaging_slots: Arc::new(tokio::sync::Semaphore::new(pictures::imaging_concurrency())),
            imaging_memory: Arc::new(tokio::sync::Semaphore::new(pictures::IMAGING_MEMORY_MIB)),
        }
    }

    /// With live updates from `live`.
    pub fn with_live(self, live: LiveFeed) -> Service {
        Service { live: Some(live), ..self }
    }

    /// How long a deleted record stays restorable (`TRASH_RETENTION_DAYS`).
    pub fn with_trash_retention(self, retention: std::time::Duration) -> Service {
        Service { trash_retention: retention, ..self }
    }

    pub fn trash_retention(&self) -> std::time::Duration {
        self.trash_retention
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    fn imaging_slots(&self) -> &Arc<tokio::sync::Semaphore> {
        &self.imaging_slots
    }

    fn imaging_memory(&self) -> &Arc<tokio::sync::Semaphore> {
        &self.imaging_memory
    }

    /// Reads that may be answered from memory; see [`ReadCache`].
    pub fn cache(&self) -> &ReadCache {
        &self.cache
    }
}

impl Service {
    /// How many actors and movies there are, each only if the caller may read that table
    /// (`None` otherwise): the dashboard's figures.
    pub async fn visible_counts(
        &self,
        who: &crate::server::auth::Principal,
    ) -> Result<(Option<i64>, Option<i64>), ApiError> {
        use crate::model::Permission;
        let actors = match who.has(Permission::GetActors) {
            true => Some(self.count_actors(who).await?),
            false => None,
        };
        let movies = match who.has(Permission::GetMovies) {
            true => Some(self.count_movies(who).await?),
            false => None,
        };
        Ok((actors, movies))
    }

    /// The `n` newest actors and movies, each only if the caller may read that table: the
    /// dashboard's "recently added".
    pub async fn newest(
        &self,
        who: &crate::server::auth::Principal,
        n: i64,
    ) -> Result<(Vec<crate::model::Actor>, Vec<crate::model::Movie>), ApiError> {
        use crate::model::{
            Permission,
            query::{ActorQuery, ActorSort, MovieQuery, MovieSort, Page},
        };
        let page = Some(Page { page: 1, per_page: n });
        let actors = match who.has(Permission::GetActors) {
            true => {
                let query = ActorQuery {
                    sort: ActorSort::Id,
                    descending: true,
                    page,
                    ..Default::default()
                };
                self.list_actors(who, query).await?.items.to_vec()
            }
            false => Vec::new(),
        };
        let movies = match who.has(Permission::GetMovies) {
            true => {
                let query = MovieQuery {
                    sort: MovieSort::Id,
                    descending: true,
                    page,
                    ..Default::default()
                };
                self.list_movies(who, query).await?.items.to_vec()
            }
            false => Vec::new(),
        };
        Ok((actors, movies))
    }
}

/// Input that may still need decoding. Server functions pass typed values (nothing to decode);
/// REST handlers pass the raw JSON body, decoded only after the permission check, so a caller
/// without the permission gets 403 whatever the body holds.
pub trait Input<T> {
    fn into_input(self) -> Result<T, ApiError>;
}

macro_rules! typed_input {
    ($($t:ty),*) => {$(
        impl Input<$t> for $t {
            fn into_input(self) -> Result<$t, ApiError> {
                Ok(self)
            }
        }
    )*};
}
typed_input!(
    crate::model::spreadsheet::BulkIds,
    NewActor,
    ActorPatch,
    NewMovie,
    MoviePatch,
    CastingInput,
    ActorQuery,
    MovieQuery,
    ChangeQuery
);

/// The rows a list request asked for, with how many match in all.
#[derive(Debug, Clone)]
pub struct Listing<T> {
    /// Shared, so an answer from the read cache is handed out without copying its rows.
    pub items: Arc<[T]>,
    pub total: i64,
    /// The page served, when the request asked for one.
    pub page: Option<Page>,
}

/// A row before and after an update, read in the same transaction as the write.
#[derive(Debug, Clone)]
pub struct Updated<T> {
    pub before: T,
    pub after: T,
}

/// A deleted row and the table's size around the delete, read in the same transaction.
#[derive(Debug, Clone)]
pub struct Deleted<T> {
    pub item: T,
    /// Its version in the trash (the delete counts as a change).
    pub version: i64,
    /// The table's size before and after: counted by a single delete only (0 in a bulk one).
    pub count_before: i64,
    pub count_after: i64,
    /// Casting assignments removed with it (ON DELETE CASCADE).
    pub assignments_removed: i64,
}

pub use castings::{Assignment, CastingChoice};

/// A record back from the trash, and the cast links restored with it.
#[derive(Debug, Clone)]
pub struct Restored<T> {
    pub item: T,
    pub links: Vec<crate::server::db::castings::Link>,
}
