//! Live updates: every committed journal entry, pushed to the event streams (`GET /events`)
//! open on this instance, whichever instance wrote it.
//!
//! One follower task per instance ([`follower`]) reads the journal past the last id it
//! delivered and broadcasts each entry, in id order. Each stream ([`LiveStream`]) takes from
//! that broadcast what its caller may read. The journal stays the source of truth: a client
//! that reconnects names the last id it saw and is replayed the rest from the table.

mod follower;

use std::{
    collections::VecDeque,
    sync::{
        Arc, Mutex, Weak,
        atomic::{AtomicI64, Ordering},
    },
    time::Duration,
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, broadcast, watch};

use super::{
    Service,
    journal::{readable, require_journal_reader},
};
use crate::{
    model::journal::ChangeEntry,
    server::{
        ApiError,
        auth::Principal,
        db::{
            Db,
            journal::{self, Entity},
        },
    },
};

/// Entries kept for streams that have not taken them yet. A stream this far behind (its
/// client reads too slowly) is ended rather than buffered for without bound; the client
/// reconnects and is replayed from the journal.
const BUFFER: usize = 1024;

/// The most missed entries a reconnecting client is replayed; past it, one `resync` event.
pub const REPLAY_LIMIT: i64 = 1000;

/// The most journal ids a replay looks through. A caller who reads one kind only (movies, say)
/// could otherwise have a reconnect scan the whole journal for its few entries, as often as it
/// likes (`Last-Event-ID: 0`); past this, a `resync` without reading anything.
pub const REPLAY_SCAN: i64 = 20 * REPLAY_LIMIT;

/// A stream that has taken nothing from the feed for this long while entries waited for it
/// has a client that stopped reading: it is ended (see [`LiveStream::stalled`]).
pub const STALL_LIMIT: Duration = Duration::from_secs(5);

/// Limits of the live feed (from the configuration).
#[derive(Clone, Copy, Debug)]
pub struct LiveOptions {
    /// Event streams open at once on this instance (`EVENT_STREAMS_MAX`).
    pub max_streams: usize,
}

/// A journal entry ready to send: its JSON is made once, however many streams send it.
#[derive(Debug)]
pub struct LiveChange {
    pub id: i64,
    entity: Option<Entity>,
    /// The entry as `GET /changes` renders it.
    pub json: String,
}

impl LiveChange {
    fn new(entry: &ChangeEntry) -> LiveChange {
        LiveChange {
            id: entry.id,
            entity: Entity::parse(&entry.entity),
            json: serde_json::to_string(entry).unwrap_or_default(),
        }
    }
}

/// What a stream tells its client.
#[derive(Debug)]
pub enum LiveEvent {
    Change(Arc<LiveChange>),
    /// More was missed than is replayed: the client should reload what it shows, and resume
    /// from `latest`.
    Resync {
        latest: i64,
    },
}

/// The id through which everything was broadcast, and the sender, under one lock: a
/// subscriber learns both at once, so nothing falls between its replay and its broadcast.
struct Broadcasting {
    horizon: i64,
    sender: broadcast::Sender<Arc<LiveChange>>,
}

struct Shared {
    state: Mutex<Broadcasting>,
    slots: Arc<Semaphore>,
    max_streams: usize,
    closing: watch::Sender<bool>,
}

impl Shared {
    /// Broadcasts `entries` (oldest first, each after the horizon) and moves the horizon past
    /// `through`, the last id delivered or given up.
    fn publish(&self, entries: &[ChangeEntry], through: i64) {
        let changes: Vec<_> = entries.iter().map(|e| Arc::new(LiveChange::new(e))).collect();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        for change in changes {
            // No receiver is not an error: nobody is listening right now.
            let _ = state.sender.send(change);
        }
        state.horizon = state.horizon.max(through);
    }

    /// Moves the horizon past `through` without sending anything, if no stream is open (it
    /// would miss those entries); `false` otherwise.
    fn skip_to(&self, through: i64) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.sender.receiver_count() > 0 {
            return false;
        }
        state.horizon = state.horizon.max(through);
        true
    }

    /// Whether any stream is open to receive what is published.
    fn listened(&self) -> bool {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).sender.receiver_count() > 0
    }

    fn horizon(&self) -> i64 {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).horizon
    }
}

/// This instance's live feed. Cloned into the service; the follower stops when the last clone
/// is dropped.
#[derive(Clone)]
pub struct LiveFeed {
    shared: Arc<Shared>,
    _follower: Arc<AbortOnDrop>,
}

impl std::fmt::Debug for LiveFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveFeed").field("open_streams", &self.open_streams()).finish()
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl LiveFeed {
    /// Starts following the journal from its newest entry. `postgres_url` (PostgreSQL only)
    /// is where the follower listens for other instances' commits.
    pub async fn start(
        db: Db,
        postgres_url: Option<String>,
        options: LiveOptions,
    ) -> Result<LiveFeed, sqlx::Error> {
        let horizon = journal::latest(&mut *db.pool().acquire().await?).await?;
        let shared = Arc::new(Shared {
            state: Mutex::new(Broadcasting { horizon, sender: broadcast::channel(BUFFER).0 }),
            slots: Arc::new(Semaphore::new(options.max_streams)),
            max_streams: options.max_streams,
            closing: watch::Sender::new(false),
        });
        let follower = tokio::spawn(follower::follow(db, shared.clone(), postgres_url));
        Ok(LiveFeed { shared, _follower: Arc::new(AbortOnDrop(follower)) })
    }

    /// Ends every open stream and refuses new ones: at shutdown, so that connections held by
    /// streams close within the grace period.
    pub fn close(&self) {
        self.shared.closing.send_replace(true);
    }

    /// Streams open now on this instance.
    pub fn open_streams(&self) -> usize {
        self.shared.max_streams.saturating_sub(self.shared.slots.available_permits())
    }
}

/// One client's stream: first what it missed (from the journal), then the broadcast, only
/// entries its caller may read, each once, in id order.
pub struct LiveStream {
    pending: VecDeque<LiveEvent>,
    receiver: broadcast::Receiver<Arc<LiveChange>>,
    readable: Vec<Entity>,
    /// The last id sent (or replayed past): nothing at or below it is sent again.
    last: i64,
    /// Where the stream started: the client's last id, or the newest when it named none.
    start: i64,
    closing: watch::Receiver<bool>,
    /// The id of the last entry taken from the feed (readable or not), for [`Self::stalled`].
    taken: Arc<AtomicI64>,
    shared: Arc<Shared>,
    _slot: OwnedSemaphorePermit,
}

/// Why a stream ended.
#[derive(Debug, PartialEq, Eq)]
pub enum StreamEnd {
    /// The server is shutting down.
    Shutdown,
    /// The client fell more than the buffer behind; it reconnects and is replayed.
    TooSlow,
}

impl LiveStream {
    /// The id the stream starts after (what a client that reconnects before any change
    /// arrives should name).
    pub fn start(&self) -> i64 {
        self.start
    }

    /// Resolves to `true` once this stream has taken nothing from the feed for
    /// [`STALL_LIMIT`] while entries waited for it: its client stopped reading, so the server
    /// no longer asks the stream for events and it cannot notice by itself. Resolves to
    /// `false` when the stream is dropped first.
    pub fn stalled(&self) -> impl Future<Output = bool> + Send + 'static {
        let taken: Weak<AtomicI64> = Arc::downgrade(&self.taken);
        let shared = Arc::downgrade(&self.shared);
        async move {
            let mut still = None::<(i64, tokio::time::Instant)>;
            loop {
                tokio::time::sleep(STALL_LIMIT / 5).await;
                let (Some(taken), Some(shared)) = (taken.upgrade(), shared.upgrade()) else {
                    return false;
                };
                let at = taken.load(Ordering::Relaxed);
                if at >= shared.horizon() {
                    still = None;
                    continue;
                }
                match still {
                    Some((was, since)) if was == at => {
                        if since.elapsed() >= STALL_LIMIT {
                            return true;
                        }
                    }
                    _ => still = Some((at, tokio::time::Instant::now())),
                }
            }
        }
    }

    /// The next event, or why the stream ends.
    pub async fn next(&mut self) -> Result<LiveEvent, StreamEnd> {
        if let Some(event) = self.pending.pop_front() {
            return Ok(event);
        }
        loop {
            let received = tokio::select! {
                biased;
                _ = self.closing.wait_for(|closing| *closing) => return Err(StreamEnd::Shutdown),
                received = self.receiver.recv() => received,
            };
            match received {
                Ok(change) => {
                    self.taken.store(change.id, Ordering::Relaxed);
                    let readable = change.entity.is_some_and(|e| self.readable.contains(&e));
                    if change.id > self.last && readable {
                        self.last = change.id;
                        return Ok(LiveEvent::Change(change));
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => return Err(StreamEnd::TooSlow),
                Err(broadcast::error::RecvError::Closed) => return Err(StreamEnd::Shutdown),
            }
        }
    }
}

impl Service {
    /// Opens a live stream of the changes `who` may read (the same as `GET /changes`). With
    /// `last_seen` (the `Last-Event-ID` of a reconnecting client), the changes after it come
    /// first, from the journal, or one `resync` event when there are more than
    /// [`REPLAY_LIMIT`].
    pub async fn live_stream(
        &self,
        who: &Principal,
        last_seen: Option<i64>,
    ) -> Result<LiveStream, ApiError> {
        require_journal_reader(who)?;
        let Some(live) = &self.live else {
            return Err(ApiError::Saturated {
                code: "live_updates_off",
                message: "live updates are not running on this server".into(),
            });
        };
        if *live.shared.closing.borrow() {
            return Err(shutting_down());
        }
        let slot =
            live.shared.slots.clone().try_acquire_owned().map_err(|_| ApiError::Saturated {
                code: "too_many_streams",
                message: format!(
                    "this server has {} event streams open, its limit; try again shortly",
                    live.shared.max_streams
                ),
            })?;
        let (receiver, horizon) = {
            let state = live.shared.state.lock().unwrap_or_else(|e| e.into_inner());
            (state.sender.subscribe(), state.horizon)
        };
        let readable = readable(who);
        let mut pending = VecDeque::new();
        let mut last = horizon;
        if last_seen.is_some_and(|seen| seen < horizon - REPLAY_SCAN) {
            pending.push_back(LiveEvent::Resync { latest: horizon });
        } else if let Some(seen) = last_seen.filter(|&seen| seen < horizon) {
            let mut conn = self.db().pool().acquire().await?;
            let missed =
                journal::between(&mut conn, &readable, seen, horizon, REPLAY_LIMIT + 1).await?;
            if missed.len() as i64 > REPLAY_LIMIT {
                pending.push_back(LiveEvent::Resync { latest: horizon });
            } else {
                pending
                    .extend(missed.iter().map(|e| LiveEvent::Change(Arc::new(LiveChange::new(e)))));
            }
        } else if let Some(seen) = last_seen {
            // Another instance delivered further than this one has yet: skip what it sent.
            last = seen;
        }
        Ok(LiveStream {
            pending,
            receiver,
            readable,
            last,
            start: last_seen.unwrap_or(horizon),
            closing: live.shared.closing.subscribe(),
            taken: Arc::new(AtomicI64::new(horizon)),
            shared: live.shared.clone(),
            _slot: slot,
        })
    }

    /// This instance's live feed, when it runs.
    pub fn live(&self) -> Option<&LiveFeed> {
        self.live.as_ref()
    }
}

fn shutting_down() -> ApiError {
    ApiError::Saturated {
        code: "shutting_down",
        message: "this server is shutting down; reconnect to another".into(),
    }
}
