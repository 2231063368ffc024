//! When this process last changed the database, for the read cache
//! ([`ReadCache`](crate::server::service::ReadCache)) to know whether what it remembers is
//! still what the database holds.
//!
//! Every write transaction moves the generation twice: once when it begins and once after it
//! has committed (or rolled back), and counts as "in flight" in between. A reader that sees no
//! write in flight and generation `g` knows every write up to `g` has finished; anything it
//! reads from the database may be remembered under `g`, and is good for as long as the
//! generation is still `g` and no write is in flight.

use std::sync::{
    Arc,
    atomic::{AtomicU64, AtomicUsize, Ordering::SeqCst},
};

#[derive(Debug, Default)]
pub struct ChangeClock {
    generation: AtomicU64,
    in_flight: AtomicUsize,
}

impl ChangeClock {
    /// The current generation, or `None` while a write is in flight (its commit may land at
    /// any moment, so nothing read now may be remembered or served from memory).
    pub fn settled(&self) -> Option<u64> {
        // Generation first: a write that begins after this load moves it, so a value tagged
        // with this generation can never be stored or served once that write has begun.
        let generation = self.generation.load(SeqCst);
        (self.in_flight.load(SeqCst) == 0).then_some(generation)
    }

    /// Marks a write as begun; the returned mark ends it when dropped.
    pub(super) fn begin(self: &Arc<Self>) -> WriteMark {
        self.in_flight.fetch_add(1, SeqCst);
        self.generation.fetch_add(1, SeqCst);
        WriteMark { clock: self.clone() }
    }
}

/// A write in flight. Dropped once the commit has landed ([`WriteTx::commit`] holds it until
/// then), or with a transaction that never committed, whose rollback changes nothing a reader
/// could see.
///
/// [`WriteTx::commit`]: super::WriteTx::commit
pub struct WriteMark {
    clock: Arc<ChangeClock>,
}

impl Drop for WriteMark {
    fn drop(&mut self) {
        // Generation first, then in-flight: a reader who sees no write in flight also sees the
        // new generation, so nothing remembered before this write is served after it.
        self.clock.generation.fetch_add(1, SeqCst);
        self.clock.in_flight.fetch_sub(1, SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_unsettles_the_clock_and_moves_it_on() {
        let clock = Arc::new(ChangeClock::default());
        let before = clock.settled().unwrap();
        let mark = clock.begin();
        assert_eq!(clock.settled(), None, "nothing may be cached while a write is in flight");
        let second = clock.begin();
        drop(mark);
        assert_eq!(clock.settled(), None, "one of two writes is still in flight");
        drop(second);
        let after = clock.settled().unwrap();
        assert!(after > before, "a finished write moves the generation on");
    }
}
