//! Reads remembered until the next write, on either database.
//!
//! Why: a list read costs a database round trip. On SQLite, through sqlx's worker thread, it
//! was ten times the cost of everything else in the request (`perf`); on PostgreSQL the list
//! statement alone tops out at 7,377 a second on this machine (`pgbench`, README §
//! Performance). Reads far outnumber writes here, and between two writes the answer to the
//! same question cannot change.
//!
//! Why it is never stale: every answer is tagged with the data's generation
//! ([`Db::generation`]) from before its load, and kept only if the generation after the load
//! is still the same (nothing landed meanwhile). A read first asks for the generation *now*
//! and is served from memory only if the entry's generation is that one. On SQLite the
//! generation is this process's write clock (the file is locked to one server); on
//! PostgreSQL it is the shared snapshot, which any instance's (or any tool's) commit moves,
//! so several instances can cache at once. The PostgreSQL question is one cheap round trip
//! shared by every read that arrives while the previous one runs.

use std::{
    any::Any,
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use crate::{
    model::{
        picture::{PictureOwner, PictureSize},
        query::{ActorQuery, MovieQuery},
    },
    server::{ApiError, db::Db, metrics as metrics_names},
};

/// What was asked. Answers do not depend on who asked: permissions are checked before the
/// cache is consulted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ReadKey {
    Actors(ActorQuery),
    Movies(MovieQuery),
    ActorCount,
    MovieCount,
    Actor(i64),
    Movie(i64),
    Cast(i64),
    Filmography(i64),
    Picture(PictureOwner, i64, PictureSize),
}

/// The most rows (summed over entries) kept at once: about 2 MB of actors. Past it, the
/// cache starts over; a flood of distinct queries costs what it would without a cache.
const MAX_ROWS: usize = 10_000;

/// How long a load that has its answer waits to learn whether it may remember it. A probe
/// takes well under a millisecond when the database is well.
const RECHECK_PATIENCE: Duration = Duration::from_millis(100);

#[derive(Default)]
struct Entries {
    generation: u64,
    rows: usize,
    map: HashMap<ReadKey, Arc<dyn Any + Send + Sync>>,
}

#[derive(Clone)]
pub struct ReadCache {
    db: Db,
    entries: Option<Arc<Mutex<Entries>>>,
    hits: Arc<AtomicU64>,
}

impl ReadCache {
    pub fn new(db: Db) -> ReadCache {
        let entries = db.tracks_changes().then(Arc::default);
        ReadCache { db, entries, hits: Arc::default() }
    }

    /// How many reads were answered from memory (tests and curious operators).
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// The remembered answer to `key`, or `load`'s, remembered when nothing was written
    /// meanwhile. `rows` weighs an answer against [`MAX_ROWS`]. Errors are never remembered.
    pub async fn get_or_load<T, F, Fut>(
        &self,
        key: ReadKey,
        rows: impl FnOnce(&T) -> usize,
        load: F,
    ) -> Result<T, ApiError>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let Some(entries) = &self.entries else { return load().await };
        let Some(generation) = self.db.generation().await? else { return load().await };
        if let Some(hit) = lookup::<T>(entries, generation, &key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            metrics::counter!(metrics_names::READ_CACHE_HITS).increment(1);
            return Ok(hit);
        }
        metrics::counter!(metrics_names::READ_CACHE_MISSES).increment(1);
        let value = load().await?;
        // Only if nothing landed while it loaded: `value` may otherwise predate a commit.
        // The answer is ready, so it waits for this check only briefly; a failed or slow
        // check only means nothing is remembered this time.
        let after = self.db.generation_within(RECHECK_PATIENCE).await;
        if after.ok().flatten() == Some(generation) {
            let weight = rows(&value).max(1);
            let mut guard = entries.lock().unwrap_or_else(|e| e.into_inner());
            if guard.generation == generation {
                if guard.rows + weight > MAX_ROWS {
                    guard.map.clear();
                    guard.rows = 0;
                }
                if weight <= MAX_ROWS {
                    guard.rows += weight;
                    guard.map.insert(key, Arc::new(value.clone()));
                }
            }
        }
        Ok(value)
    }
}

/// The answer remembered under `generation`. A newer generation empties the cache first;
/// generations only grow, so an older one (a read that began before the latest check) finds
/// nothing and can store nothing.
fn lookup<T: Clone + 'static>(
    entries: &Mutex<Entries>,
    generation: u64,
    key: &ReadKey,
) -> Option<T> {
    let mut guard = entries.lock().unwrap_or_else(|e| e.into_inner());
    if generation > guard.generation {
        *guard = Entries { generation, ..Entries::default() };
        return None;
    }
    if generation < guard.generation {
        return None;
    }
    guard.map.get(key).and_then(|value| value.downcast_ref::<T>()).cloned()
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache").field("enabled", &self.entries.is_some()).finish()
    }
}
