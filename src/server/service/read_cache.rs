//! Reads remembered until the next write, for the embedded (SQLite) mode.
//!
//! Why: a list read costs a database round trip through sqlx's SQLite worker thread, ten
//! times the cost of everything else in the request (measured with `perf`, README §
//! Performance). Reads far outnumber writes here, and between two writes the answer to the
//! same question cannot change.
//!
//! Why it is never stale: it is only on when this process is the database's only writer (the
//! SQLite file is locked to one server, see [`Db::sole_writer`]), every write goes through a
//! write transaction that moves the [`ChangeClock`], and an entry is served only while the
//! clock still shows the generation it was read under with no write in flight. On PostgreSQL,
//! which several instances share, another instance's write leaves this clock unmoved, so the
//! cache is off there: every read goes to the database.

use std::{
    any::Any,
    collections::HashMap,
    sync::{Arc, Mutex},
};

use crate::{
    model::query::{ActorQuery, MovieQuery},
    server::{ApiError, db::Db},
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
}

/// The most rows (summed over entries) kept at once: about 2 MB of actors. Past it, the
/// cache starts over; a flood of distinct queries costs what it would without a cache.
const MAX_ROWS: usize = 10_000;

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
}

impl ReadCache {
    pub fn new(db: Db) -> ReadCache {
        let entries = db.sole_writer().then(Arc::default);
        ReadCache { db, entries }
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
        let Some(generation) = self.db.changes().settled() else { return load().await };
        if let Some(hit) = self.lookup::<T>(entries, &key) {
            return Ok(hit);
        }
        let value = load().await?;
        let weight = rows(&value).max(1);
        let mut guard = entries.lock().unwrap_or_else(|e| e.into_inner());
        // Only if no write began since `generation` was read: `value` may predate its commit.
        if self.db.changes().settled() == Some(generation) && guard.generation == generation {
            if guard.rows + weight > MAX_ROWS {
                guard.map.clear();
                guard.rows = 0;
            }
            if weight <= MAX_ROWS {
                guard.rows += weight;
                guard.map.insert(key, Arc::new(value.clone()));
            }
        }
        Ok(value)
    }

    fn lookup<T: Clone + 'static>(&self, entries: &Mutex<Entries>, key: &ReadKey) -> Option<T> {
        let mut guard = entries.lock().unwrap_or_else(|e| e.into_inner());
        // Under the lock, so a store of an older generation cannot slip in after the reset.
        let generation = self.db.changes().settled()?;
        if guard.generation != generation {
            *guard = Entries { generation, ..Entries::default() };
            return None;
        }
        guard.map.get(key).and_then(|value| value.downcast_ref::<T>()).cloned()
    }
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache").field("enabled", &self.entries.is_some()).finish()
    }
}
