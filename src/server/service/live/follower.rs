//! The follower: reads the journal past the last id it delivered and broadcasts what it finds.
//!
//! It wakes at once on this process's commits ([`Db::commits`]); on PostgreSQL also on a
//! NOTIFY that another instance sends after each of its commits; and otherwise every
//! [`POLL`], so a lost notification (a dropped LISTEN connection, say) only delays.
//!
//! Why a gap in the ids is waited for: on PostgreSQL two writers take journal ids 10 and 11
//! and may commit in the other order. Moving past 10 when 11 becomes visible first would lose
//! 10 for every stream, so the follower holds at a gap until it fills, or until
//! [`GAP_PATIENCE`] has passed (the id of a transaction that rolled back never fills). SQLite
//! has one writer: its ids become visible in order and a gap is never waited for.

use std::{sync::Arc, time::Duration};

use sqlx::postgres::PgListener;
use tokio::time::Instant;

use super::Shared;
use crate::server::db::{Backend, Db, journal};

/// How often the journal is read when nothing woke the follower.
pub const POLL: Duration = Duration::from_secs(2);
/// After a commit wakes the follower, how long it lets more commits gather before it reads
/// the journal and tells the other instances: under a write load, one read and one NOTIFY
/// per window instead of per write (measured: per-write reads and NOTIFYs cost a third of the
/// write throughput). The latency it adds is far inside the one-second promise.
const GATHER: Duration = Duration::from_millis(10);
/// How long a gap in the journal's ids is waited for (PostgreSQL); see the module docs.
pub const GAP_PATIENCE: Duration = Duration::from_secs(1);
/// How soon the journal is read again while the follower waits at a gap.
const GAP_RECHECK: Duration = Duration::from_millis(10);
/// How long the follower waits after the database failed before trying again.
const RETRY: Duration = Duration::from_secs(1);
/// Entries read per query.
const BATCH: i64 = 500;
/// The PostgreSQL channel instances tell each other about commits on.
const CHANNEL: &str = "casting_agency_changes";

pub(super) async fn follow(db: Db, shared: Arc<Shared>, postgres_url: Option<String>) {
    let mut commits = db.commits();
    let mut listener =
        Listener { url: postgres_url, connection: None, next_attempt: Instant::now() };
    let mut gap = Gap::default();
    loop {
        listener.ensure_connected().await;
        let wait = match catch_up(&db, &shared, &mut gap).await {
            Ok(Progress::Done) => POLL,
            Ok(Progress::HeldAtGap) => GAP_RECHECK,
            Err(err) => {
                tracing::warn!(error = %err, "live feed: cannot read the journal; will retry");
                RETRY
            }
        };
        tokio::select! {
            changed = commits.changed() => {
                if changed.is_err() {
                    return; // The database handle is gone: nothing more will commit.
                }
                tokio::time::sleep(GATHER).await;
                commits.mark_unchanged();
                if listener.url.is_some() {
                    tell_other_instances(&db).await;
                }
            }
            () = listener.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Tells the other instances' followers that this one committed. Best effort: a lost
/// notification only delays them until their next poll.
async fn tell_other_instances(db: &Db) {
    let sent = sqlx::query("SELECT pg_notify($1, '')").bind(CHANNEL).execute(db.pool()).await;
    if let Err(err) = sent {
        tracing::debug!(error = %err, "live feed: NOTIFY failed");
    }
}

enum Progress {
    Done,
    HeldAtGap,
}

/// When the follower first found itself waiting at the current gap.
#[derive(Default)]
struct Gap {
    since: Option<Instant>,
}

impl Gap {
    /// Whether to keep waiting for the missing ids before `next`.
    fn hold(&mut self, backend: Backend) -> bool {
        if backend == Backend::Sqlite {
            return false;
        }
        let since = *self.since.get_or_insert_with(Instant::now);
        since.elapsed() < GAP_PATIENCE
    }
}

/// Delivers every entry past the horizon that can be delivered in order. While no stream is
/// open it only moves the horizon (reading ids, not entries): nobody would receive them, and
/// a client that connects later names its last id and is replayed from the journal.
async fn catch_up(db: &Db, shared: &Shared, gap: &mut Gap) -> Result<Progress, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    loop {
        let horizon = shared.horizon();
        let listened = shared.listened();
        let (entries, ids) = if listened {
            let entries = journal::after(&mut conn, horizon, BATCH).await?;
            let ids = entries.iter().map(|e| e.id).collect::<Vec<_>>();
            (entries, ids)
        } else {
            (Vec::new(), journal::ids_after(&mut conn, horizon, BATCH).await?)
        };
        let mut expected = horizon + 1;
        let mut ready = 0;
        let mut held = false;
        for &id in &ids {
            if id != expected {
                if gap.hold(db.backend()) {
                    held = true;
                    break;
                }
                tracing::debug!(from = expected, to = id - 1, "live feed: ids never committed");
            }
            gap.since = None;
            expected = id + 1;
            ready += 1;
        }
        if ready > 0 {
            if !listened {
                // A stream may have opened since the ids were read: then read its entries.
                if !shared.skip_to(expected - 1) {
                    continue;
                }
            } else {
                shared.publish(&entries[..ready], expected - 1);
            }
        }
        if held {
            return Ok(Progress::HeldAtGap);
        }
        if (ids.len() as i64) < BATCH {
            return Ok(Progress::Done);
        }
    }
}

/// PostgreSQL's LISTEN connection, reconnected when it drops.
struct Listener {
    url: Option<String>,
    connection: Option<PgListener>,
    next_attempt: Instant,
}

impl Listener {
    async fn ensure_connected(&mut self) {
        let Some(url) = &self.url else { return };
        if self.connection.is_some() || Instant::now() < self.next_attempt {
            return;
        }
        let connected = async {
            let mut listener = PgListener::connect(url).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        match connected.await {
            Ok(listener) => self.connection = Some(listener),
            Err(err) => {
                tracing::warn!(error = %err, "live feed: cannot LISTEN; polling until it can");
                self.next_attempt = Instant::now() + RETRY;
            }
        }
    }

    /// Resolves on a notification; never without a connection.
    async fn notified(&mut self) {
        let Some(connection) = &mut self.connection else {
            return std::future::pending().await;
        };
        // `recv` is cancel-safe: a notification is never lost to the other branches.
        if let Err(err) = connection.recv().await {
            tracing::warn!(error = %err, "live feed: LISTEN connection lost; reconnecting");
            self.connection = None;
            self.next_attempt = Instant::now() + RETRY;
        }
    }
}
