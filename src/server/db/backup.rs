//! Backups of the SQLite database (`casting-agency backup FILE` / `restore FILE`).
//!
//! A backup is `VACUUM INTO`: one read transaction, so the copy is the database as of one
//! instant (every write committed before it began is in it, none half-way), taken while the
//! server goes on serving (WAL: readers do not block the writer). It is written beside its
//! target under a temporary name and renamed when complete and checked, so a failed backup
//! never leaves a file that looks like one.
//!
//! A restore needs the server stopped (it takes the same lock a server holds on the file) and
//! keeps the database it replaces beside it. PostgreSQL has its own tools for both: `pg_dump`
//! and `pg_restore`, which the refusal names.

use std::path::{Path, PathBuf};

use sqlx::{Connection, Row};

use super::{Backend, DbSetupError, lock_sqlite_file, sqlite_path};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "this server uses PostgreSQL: back it up with `pg_dump --format=custom --file=FILE \
         \"$DATABASE_URL\"` and restore with `pg_restore --clean --if-exists --dbname \
         \"$DATABASE_URL\" FILE` (the app's own backup is for its SQLite file)"
    )]
    Postgres,
    #[error("the database is in memory; there is nothing on disk to back up or restore")]
    InMemory,
    #[error("{0} already exists; choose a new file name (a backup never overwrites)")]
    TargetExists(PathBuf),
    #[error("{0} does not exist")]
    Missing(PathBuf),
    #[error("{0} is not a Casting Agency database ({1})")]
    NotABackup(PathBuf, String),
    #[error("a server is running on {0}: stop it first (a restore replaces the file under it)")]
    InUse(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Setup(#[from] DbSetupError),
}

/// The SQLite file of `url`, or why there is none to work on.
fn database_file(url: &str) -> Result<PathBuf, BackupError> {
    // The commands open their own connections, without a pool that would have done this.
    sqlx::any::install_default_drivers();
    match Backend::from_url(url) {
        Some(Backend::Postgres) => Err(BackupError::Postgres),
        _ => sqlite_path(url).map(PathBuf::from).ok_or(BackupError::InMemory),
    }
}

/// Copies the database at `url` into `target` (a new file) while it may be in use. Returns
/// the backup's size in bytes.
pub async fn backup(url: &str, target: &Path) -> Result<u64, BackupError> {
    let source = database_file(url)?;
    if !source.exists() {
        return Err(BackupError::Missing(source));
    }
    if target.exists() {
        return Err(BackupError::TargetExists(target.to_owned()));
    }
    let partial = partial_name(target);
    let _ = std::fs::remove_file(&partial);
    let result = async {
        let mut conn = sqlx::AnyConnection::connect(&read_only_url(&source)).await?;
        sqlx::query("PRAGMA busy_timeout = 10000").execute(&mut conn).await?;
        sqlx::query("VACUUM INTO ?")
            .bind(partial.to_string_lossy().into_owned())
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        check(&partial).await?;
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, target)?;
        Ok(std::fs::metadata(target)?.len())
    }
    .await;
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Replaces the database at `url` with the backup `source`, which must be one. Refuses while
/// a server holds the database. The database it replaces is kept as `<file>.before-restore`
/// (numbered when that exists). Returns where the old one went, if there was one.
pub async fn restore(url: &str, source: &Path) -> Result<Option<PathBuf>, BackupError> {
    let target = database_file(url)?;
    if !source.exists() {
        return Err(BackupError::Missing(source.to_owned()));
    }
    check(source).await?;
    // The lock a server holds: none may be running on the file while it is swapped.
    let _lock = if target.exists() {
        match lock_sqlite_file(url) {
            Err(DbSetupError::InUse(path)) => return Err(BackupError::InUse(path)),
            other => other?,
        }
    } else {
        None
    };
    let incoming = partial_name(&target);
    std::fs::copy(source, &incoming)?;
    std::fs::File::open(&incoming)?.sync_all()?;
    let kept = if target.exists() {
        let kept = free_name(&target, "before-restore");
        std::fs::rename(&target, &kept)?;
        Some(kept)
    } else {
        None
    };
    // The replaced database's write-ahead log belongs to it, not to the backup.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            let keep = kept.as_ref().map(|k| PathBuf::from(format!("{}{suffix}", k.display())));
            match keep {
                Some(keep) => std::fs::rename(&side, keep)?,
                None => std::fs::remove_file(&side)?,
            }
        }
    }
    std::fs::rename(&incoming, &target)?;
    Ok(kept)
}

/// The file is a whole SQLite database that this app made (its migrations table is there).
async fn check(path: &Path) -> Result<(), BackupError> {
    let not = |why: String| BackupError::NotABackup(path.to_owned(), why);
    let mut conn =
        sqlx::AnyConnection::connect(&read_only_url(path)).await.map_err(|e| not(e.to_string()))?;
    let verdict: String = sqlx::query("PRAGMA quick_check")
        .fetch_one(&mut conn)
        .await
        .and_then(|row| row.try_get(0))
        .map_err(|e| not(e.to_string()))?;
    if verdict != "ok" {
        return Err(not(format!("integrity check: {verdict}")));
    }
    let migrated = sqlx::query(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('_sqlx_migrations', 'actors', 'movies')",
    )
    .fetch_one(&mut conn)
    .await
    .and_then(|row| row.try_get::<i64, _>(0))
    .map_err(|e| not(e.to_string()))?;
    conn.close().await?;
    if migrated != 3 {
        return Err(not("it has no actors, movies and migrations tables".into()));
    }
    Ok(())
}

fn read_only_url(path: &Path) -> String {
    format!("sqlite://{}?mode=ro", path.display())
}

fn partial_name(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}.partial", path.display()))
}

/// `<path>.<what>`, or `<path>.<what>.2`, … whichever does not exist yet.
fn free_name(path: &Path, what: &str) -> PathBuf {
    let first = PathBuf::from(format!("{}.{what}", path.display()));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| PathBuf::from(format!("{}.{what}.{n}", path.display())))
        .find(|p| !p.exists())
        .expect("some number is free")
}
