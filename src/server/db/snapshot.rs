//! When PostgreSQL's data last changed, for the read cache
//! ([`ReadCache`](crate::server::service::ReadCache)), as seen by every instance that shares
//! the database.
//!
//! Why a snapshot: `pg_current_snapshot()` names exactly which transactions a statement sees
//! (the oldest still running, the next id to be handed out, and those in progress). Two equal
//! snapshots see the same committed data, and once a transaction that wrote has ended, the
//! snapshot before its end never comes back (ids only grow). So "the snapshot is still the one
//! an answer was read under" means "nothing was committed since", whichever instance or tool
//! wrote. It errs only on the safe side: a write to another database of the same server also
//! moves it.
//!
//! "Ids only grow" holds for one server's history, so the probe also names the server (its
//! start time: a restart, a restore or a promoted standby is another history), any failed
//! probe starts a new generation (whatever happened meanwhile), and a server in recovery (a
//! standby, whose snapshots do not list the transactions it replays) answers no generation at
//! all: reads there go uncached. Reads must go to the primary, as the probes do.
//!
//! Why coalesced: asking costs a round trip. A reader needs an answer from a probe that
//! *began after the reader arrived* (a write acknowledged before then is then seen), and one
//! probe serves every reader who arrived before it began. Under load, probes run back to back
//! and each one answers all the reads that queued during the previous one.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use sqlx::AnyPool;
use tokio::sync::watch;

/// Why a probe gave no generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeFailure {
    /// The database cannot be reached (a 503 for the reader, as its own query would be).
    Unavailable,
    /// Anything else: the reader goes to the database without the cache.
    Failed,
}

#[derive(Clone, Debug)]
struct Round {
    number: u64,
    generation: Result<u64, ProbeFailure>,
}

#[derive(Debug, Default)]
struct State {
    /// Probes begun so far; the next one is `started + 1`.
    started: u64,
    /// A probe is running (its task starts another while `again` is set).
    running: bool,
    /// Someone arrived after the running probe began.
    again: bool,
    /// The last snapshot seen, `None` after a failed probe.
    last: Option<String>,
    /// A local count of distinct snapshots (and failures) seen.
    generation: u64,
}

#[derive(Debug)]
pub struct SnapshotClock {
    pool: AnyPool,
    timeout: Duration,
    state: Mutex<State>,
    done: watch::Sender<Round>,
    probes: AtomicU64,
}

impl SnapshotClock {
    /// `timeout` bounds one probe, connection wait included.
    pub fn new(pool: AnyPool, timeout: Duration) -> Arc<SnapshotClock> {
        let (done, _) = watch::channel(Round { number: 0, generation: Err(ProbeFailure::Failed) });
        Arc::new(SnapshotClock {
            pool,
            timeout,
            state: Mutex::default(),
            done,
            probes: AtomicU64::new(0),
        })
    }

    /// The generation of the data as of a probe that began after this call did. Equal
    /// generations mean nothing was committed in between; a larger one, that something was.
    /// Waits at most `patience` (a probe still running then is reported as unavailable).
    pub async fn generation(self: &Arc<Self>, patience: Duration) -> Result<u64, ProbeFailure> {
        let mut done = self.done.subscribe();
        let wanted = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if state.running {
                state.again = true;
            } else {
                state.running = true;
                tokio::spawn(self.clone().probe_while_wanted());
            }
            state.started + 1
        };
        let round = done.wait_for(|round| round.number >= wanted);
        match tokio::time::timeout(patience, round).await {
            Ok(Ok(round)) => round.generation,
            // The sender lives as long as `self`; this cannot happen, but fail safe.
            Ok(Err(_)) => Err(ProbeFailure::Failed),
            Err(_) => Err(ProbeFailure::Unavailable),
        }
    }

    async fn probe_while_wanted(self: Arc<Self>) {
        // Should this task die (a panic, or its runtime shutting down), release its waiters
        // with a failure and let the next reader start another.
        let mut guard = RunnerGuard { clock: &self, armed: true };
        loop {
            // Let the reads that are already runnable register first, so they share this
            // round instead of waiting for the next. Measured: 200 concurrent reads took 11-13
            // probes without this yield and 6-9 with it; with wrk as in `make bench`,
            // PostgreSQL's `GET /actors` went from about 25,000 to 37,000-43,000 req/s.
            tokio::task::yield_now().await;
            let number = {
                let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
                state.started += 1;
                state.again = false;
                state.started
            };
            let generation = self.probe().await;
            self.done.send_replace(Round { number, generation });
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if !state.again {
                state.running = false;
                guard.armed = false;
                return;
            }
        }
    }

    /// How many probes have run (tests, and the README's figures).
    pub fn probes(&self) -> u64 {
        self.probes.load(Ordering::Relaxed)
    }

    async fn probe(&self) -> Result<u64, ProbeFailure> {
        self.probes.fetch_add(1, Ordering::Relaxed);
        let query = sqlx::query_scalar::<_, Option<String>>(
            "SELECT CASE WHEN pg_is_in_recovery() THEN NULL \
             ELSE pg_current_snapshot()::text || ' ' || pg_postmaster_start_time()::text END",
        );
        let result = tokio::time::timeout(self.timeout, query.fetch_one(&self.pool)).await;
        let result = match result {
            Ok(Ok(Some(snapshot))) => Ok(snapshot),
            Ok(Ok(None)) => {
                tracing::warn!("the database is a standby: reading without the cache");
                Err(ProbeFailure::Failed)
            }
            Ok(Err(err)) if super::is_unavailable(&err) => {
                tracing::debug!(error = %err, "snapshot probe: database unavailable");
                Err(ProbeFailure::Unavailable)
            }
            Ok(Err(err)) => {
                tracing::error!(error = %err, "snapshot probe failed; reading without the cache");
                Err(ProbeFailure::Failed)
            }
            Err(_) => Err(ProbeFailure::Unavailable),
        };
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(snapshot) => {
                if state.last.as_ref() != Some(&snapshot) {
                    state.generation += 1;
                    state.last = Some(snapshot);
                }
                Ok(state.generation)
            }
            Err(failure) => {
                // Whatever happened until the next success, it is a new generation.
                state.last = None;
                Err(failure)
            }
        }
    }
}

/// See [`SnapshotClock::probe_while_wanted`].
struct RunnerGuard<'a> {
    clock: &'a SnapshotClock,
    armed: bool,
}

impl Drop for RunnerGuard<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let mut state = self.clock.state.lock().unwrap_or_else(|e| e.into_inner());
        // Every reader so far waits for a round up to `started + 1`: answer them all.
        state.started += 1;
        state.running = false;
        state.last = None;
        let number = state.started;
        drop(state);
        self.clock.done.send_replace(Round { number, generation: Err(ProbeFailure::Failed) });
    }
}
