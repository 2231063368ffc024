//! Storage: one sqlx `Any` pool that is either SQLite (the zero-set-up default) or PostgreSQL.
//! Queries are written once, in SQL both understand (`$1` parameters, `RETURNING`); the few
//! differences live in [`Backend`].

pub mod actors;
pub mod backup;
pub mod castings;
pub mod changes;
pub mod filter;
pub mod journal;
pub mod movies;
pub mod pictures;
pub mod revoked;
pub mod secrets;
pub mod snapshot;
pub mod trash;

use std::{sync::Arc, time::Duration};

use changes::{ChangeClock, WriteMark};
use snapshot::{ProbeFailure, SnapshotClock};

use sqlx::{
    Any, AnyPool, Connection, Executor, Transaction,
    any::AnyPoolOptions,
    migrate::{MigrateError, Migrator},
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// How a write transaction starts. SQLite's `IMMEDIATE` takes the write lock up front, so
    /// two writers queue on `busy_timeout` instead of one failing with "database is locked"
    /// when it tries to upgrade a read lock.
    fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    /// SQLite: a connection of its own for the one writer, so reads that fill `pool` (a flood
    /// of searches, say) can never make a write wait for a connection. PostgreSQL writes use
    /// `pool`.
    write_pool: Option<AnyPool>,
    /// Searches (`?q=`) running at once, bounded to half the pool: however many a caller
    /// sends, the other half stays free for everything else.
    search_slots: Arc<tokio::sync::Semaphore>,
    backend: Backend,
    /// SQLite allows one writer at a time. Writers of this process take turns here, in
    /// arrival order, instead of polling SQLite's lock under `busy_timeout` (whose sleeps gave
    /// writes a p99 of 200-300 ms under load); `busy_timeout` still covers other processes.
    write_turn: Option<Arc<tokio::sync::Mutex<()>>>,
    acquire_timeout: Duration,
    changes: Arc<ChangeClock>,
    /// SQLite: an exclusive lock on the database file for as long as this pool lives, so no
    /// second server can write behind this one's read cache.
    owner: Option<Arc<std::fs::File>>,
    /// PostgreSQL: the shared database's snapshot, probed for the read cache.
    snapshots: Option<Arc<SnapshotClock>>,
    /// Moves on after each commit of this process: what wakes the live feed
    /// ([`LiveFeed`](crate::server::service::LiveFeed)) at once instead of on its next poll.
    commits: Arc<tokio::sync::watch::Sender<u64>>,
}

/// A write transaction. On SQLite it also holds this process's writer turn until it ends;
/// on both it marks a write in flight for the read cache.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    mark: WriteMark,
    commits: Arc<tokio::sync::watch::Sender<u64>>,
}

impl WriteTx {
    /// Commits. The commit runs to its end in a task of its own, holding the write marks: if
    /// the caller is dropped halfway (the client went away), a commit already sent could
    /// otherwise land after the read cache was told the write was over.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let WriteTx { tx, turn, mark, commits } = self;
        tokio::spawn(async move {
            let result = tx.commit().await;
            drop((turn, mark));
            if result.is_ok() {
                commits.send_modify(|n| *n = n.wrapping_add(1));
            }
            result
        })
        .await
        .map_err(|_| sqlx::Error::WorkerCrashed)?
    }
}

impl std::ops::Deref for WriteTx {
    type Target = Transaction<'static, Any>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// The database cannot be reached right now (a 503 to the client, which may retry). Storage
/// has its own error types, never the HTTP layer's: the service maps them.
#[derive(Debug, thiserror::Error)]
#[error("the database is unavailable")]
pub struct Unavailable;

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("DATABASE_URL must start with sqlite:, postgres: or postgresql:")]
    UnknownScheme,
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot apply migrations: {0}")]
    Migrate(#[source] MigrateError),
    #[error(
        "{0} is in use by another Casting Agency server: SQLite serves one server process \
         (run several on PostgreSQL)"
    )]
    InUse(String),
    #[error("cannot lock {0}: {1}")]
    Lock(String, #[source] std::io::Error),
}

impl Db {
    /// Connects (creating the SQLite file if needed) and applies pending migrations.
    pub async fn connect(
        url: &str,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> Result<Db, DbSetupError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or(DbSetupError::UnknownScheme)?;
        let options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout)
            // A ping before every acquire would be a round trip per request (and for SQLite,
            // whose connections cannot drop, pure cost); see `before_acquire` below.
            .test_before_acquire(false)
            .idle_timeout(Duration::from_secs(300));
        let options = match backend {
            Backend::Sqlite => options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL: readers never block the writer. busy_timeout: a writer waits for the
                    // lock instead of failing. foreign_keys: enforce ON DELETE CASCADE.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; \
                         PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                    )
                    .await?;
                    Ok(())
                })
            }),
            // A connection that sat idle may have been dropped by a database restart: ping it
            // first and replace it if dead, so the app recovers on its own once the database
            // is back. Connections in steady use skip the ping; one that breaks mid-query is
            // discarded by sqlx and the request gets a 503.
            Backend::Postgres => options.before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for < Duration::from_millis(500) {
                        return Ok(true);
                    }
                    Ok(conn.ping().await.is_ok())
                })
            }),
        };
        let pool = options.clone().connect(url).await.map_err(DbSetupError::Connect)?;
        let write_pool = match backend {
            Backend::Sqlite => {
                Some(options.max_connections(1).connect(url).await.map_err(DbSetupError::Connect)?)
            }
            Backend::Postgres => None,
        };
        let search_slots =
            Arc::new(tokio::sync::Semaphore::new((max_connections / 2).max(1) as usize));
        let owner = match backend {
            Backend::Sqlite => lock_sqlite_file(url)?.map(Arc::new),
            Backend::Postgres => None,
        };
        let write_turn = matches!(backend, Backend::Sqlite).then(Arc::default);
        let changes = Arc::default();
        let snapshots = matches!(backend, Backend::Postgres)
            .then(|| SnapshotClock::new(pool.clone(), acquire_timeout));
        let db = Db {
            pool,
            write_pool,
            search_slots,
            backend,
            write_turn,
            acquire_timeout,
            changes,
            owner,
            snapshots,
            commits: Arc::new(tokio::sync::watch::Sender::new(0)),
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), DbSetupError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(self.writer()).await.map_err(DbSetupError::Migrate)
    }

    /// The pool writes go through (see `write_pool`).
    pub fn writer(&self) -> &AnyPool {
        self.write_pool.as_ref().unwrap_or(&self.pool)
    }

    /// A turn to run a search; like a pool timeout (503) when none frees up within the
    /// acquire timeout.
    pub async fn search_slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, sqlx::Error> {
        match tokio::time::timeout(self.acquire_timeout, self.search_slots.clone().acquire_owned())
            .await
        {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(sqlx::Error::PoolTimedOut),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction for writes; see [`Backend::begin_write`].
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        let turn = match &self.write_turn {
            // Waiting for a turn counts against the same limit as waiting for a connection.
            Some(turn) => Some(
                tokio::time::timeout(self.acquire_timeout, turn.clone().lock_owned())
                    .await
                    .map_err(|_| sqlx::Error::PoolTimedOut)?,
            ),
            None => None,
        };
        let mark = self.changes.begin();
        let tx = self.writer().begin_with(self.backend.begin_write()).await?;
        Ok(WriteTx { tx, turn, mark, commits: self.commits.clone() })
    }

    /// Moves on after every commit of this process (not other servers').
    pub fn commits(&self) -> tokio::sync::watch::Receiver<u64> {
        self.commits.subscribe()
    }

    pub fn changes(&self) -> &ChangeClock {
        &self.changes
    }

    /// Which state of the data a read now sees, for the read cache: equal generations mean no
    /// write landed in between, whoever wrote. `Ok(None)`: no such guarantee here (a write of
    /// this process in flight, or a SQLite database this process does not hold locked), so
    /// nothing may be remembered or served from memory.
    ///
    /// SQLite: this process's [`ChangeClock`], exact because no other process writes (the
    /// file is locked). PostgreSQL: the shared snapshot ([`SnapshotClock`]), probed after this
    /// call begins, so a write acknowledged by any instance before then is seen.
    pub async fn generation(&self) -> Result<Option<u64>, Unavailable> {
        self.generation_within(self.acquire_timeout).await
    }

    /// [`generation`](Db::generation), waiting at most `patience` for PostgreSQL's answer.
    pub async fn generation_within(&self, patience: Duration) -> Result<Option<u64>, Unavailable> {
        match (&self.snapshots, &self.owner) {
            (Some(snapshots), _) => match snapshots.generation(patience).await {
                Ok(generation) => Ok(Some(generation)),
                Err(ProbeFailure::Unavailable) => Err(Unavailable),
                Err(ProbeFailure::Failed) => Ok(None),
            },
            (None, Some(_)) => Ok(self.changes.settled()),
            (None, None) => Ok(None),
        }
    }

    /// How many snapshot probes this pool has run (PostgreSQL only).
    pub fn snapshot_probes(&self) -> Option<u64> {
        self.snapshots.as_ref().map(|s| s.probes())
    }

    /// Whether other servers may share this database (PostgreSQL), so what they write must be
    /// read back; on SQLite the file is locked to this one.
    pub fn tracks_other_servers(&self) -> bool {
        self.backend == Backend::Postgres
    }

    /// Whether [`generation`](Db::generation) can ever answer: PostgreSQL, or a SQLite file
    /// this process holds locked.
    pub fn tracks_changes(&self) -> bool {
        self.snapshots.is_some() || self.owner.is_some()
    }

    /// `SELECT 1`, bounded by `timeout` (a hung database must not hang the health check).
    pub async fn ping(&self, timeout: Duration) -> Result<(), sqlx::Error> {
        match tokio::time::timeout(timeout, sqlx::query("SELECT 1").execute(&self.pool)).await {
            Ok(result) => result.map(|_| ()),
            Err(_) => Err(sqlx::Error::PoolTimedOut),
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(writer) = &self.write_pool {
            writer.close().await;
        }
    }
}

/// Takes an exclusive `flock` on the SQLite database file at `url` (none for an in-memory
/// database). SQLite's own locks are POSIX record locks, which `flock` does not touch, so this
/// only keeps out a second server, never SQLite itself.
fn lock_sqlite_file(url: &str) -> Result<Option<std::fs::File>, DbSetupError> {
    let Some(path) = sqlite_path(url) else { return Ok(None) };
    let file = std::fs::File::open(path).map_err(|e| DbSetupError::Lock(path.to_owned(), e))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(DbSetupError::InUse(path.to_owned())),
        Err(std::fs::TryLockError::Error(e)) => Err(DbSetupError::Lock(path.to_owned(), e)),
    }
}

/// The file of a SQLite URL; `None` for an in-memory database.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    let (path, params) = rest.split_once('?').unwrap_or((rest, ""));
    let in_memory =
        path.is_empty() || path == ":memory:" || params.split('&').any(|p| p == "mode=memory");
    (!in_memory).then_some(path)
}

/// Whether an error means "the database cannot be reached right now" (503, retry later) rather
/// than a bug (500).
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if code.len() == 5 {
                // A PostgreSQL SQLSTATE: class 08 (connection exception), 57P01-57P03
                // (shutting down or starting up), 53300 (too many connections).
                code.starts_with("08")
                    || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
            } else {
                // A SQLite result code: SQLITE_BUSY (5) or SQLITE_LOCKED (6), or one of
                // their extended codes (primary code in the low byte).
                code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
            }
        }
        _ => false,
    }
}
