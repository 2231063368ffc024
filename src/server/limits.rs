//! Abuse limits (governor's keyed GCRA limiters): sign-in attempts per client address, writes
//! per caller. Reads are not limited (a read costs little and is cached). A refused request is
//! a 429 with `Retry-After` ([`ApiError::RateLimited`]).

use std::{
    net::IpAddr,
    num::NonZeroU32,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

use crate::server::ApiError;

/// How many requests between two sweeps of the limiters' keys that have recovered fully (so a
/// flood of distinct addresses cannot grow them without bound).
const SWEEP_EVERY: u64 = 10_000;

/// The limits of one instance (each instance counts its own; behind a load balancer the
/// effective limit is the sum).
#[derive(Clone, Default)]
pub struct Limits {
    sign_in: Option<Arc<Keyed<IpAddr>>>,
    writes: Option<Arc<Keyed<String>>>,
}

struct Keyed<K: std::hash::Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    name: &'static str,
    checks: AtomicU64,
}

impl<K: std::hash::Hash + Eq + Clone> Keyed<K> {
    fn per_minute(n: u32, name: &'static str) -> Option<Arc<Keyed<K>>> {
        let n = NonZeroU32::new(n)?;
        Some(Arc::new(Keyed {
            limiter: RateLimiter::keyed(Quota::per_minute(n)),
            name,
            checks: AtomicU64::new(0),
        }))
    }

    fn check(&self, key: &K) -> Result<(), ApiError> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(key).map_err(|not_until| {
            metrics::counter!(crate::server::metrics::RATE_LIMITED, "limit" => self.name)
                .increment(1);
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::RateLimited { retry_after: whole_seconds(wait) }
        })
    }
}

/// `Retry-After` is in whole seconds: round up, so a client that waits that long gets in.
fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

impl Limits {
    /// Sign-in attempts per client address and writes per caller, each per minute (with a
    /// burst of as many); 0 turns a limit off.
    pub fn new(sign_in_per_minute: u32, writes_per_minute: u32) -> Limits {
        Limits {
            sign_in: Keyed::per_minute(sign_in_per_minute, "sign_in"),
            writes: Keyed::per_minute(writes_per_minute, "writes"),
        }
    }

    /// One sign-in request (anything under `/auth/`) from `client`.
    pub fn admit_sign_in(&self, client: IpAddr) -> Result<(), ApiError> {
        self.sign_in.as_ref().map_or(Ok(()), |l| l.check(&client))
    }

    /// One write by the caller `sub`.
    pub fn admit_write(&self, sub: &str) -> Result<(), ApiError> {
        self.writes.as_ref().map_or(Ok(()), |l| l.check(&sub.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_next_waits_and_keys_are_apart() {
        let limits = Limits::new(3, 2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            limits.admit_sign_in(a).unwrap();
        }
        match limits.admit_sign_in(a) {
            Err(ApiError::RateLimited { retry_after }) => assert!((1..=20).contains(&retry_after)),
            other => panic!("{other:?}"),
        }
        limits.admit_sign_in(b).unwrap();
        limits.admit_write("alice").unwrap();
        limits.admit_write("alice").unwrap();
        assert!(limits.admit_write("alice").is_err());
        limits.admit_write("bob").unwrap();
    }

    #[test]
    fn zero_is_off() {
        let limits = Limits::new(0, 0);
        for _ in 0..1000 {
            limits.admit_sign_in("192.0.2.1".parse().unwrap()).unwrap();
            limits.admit_write("alice").unwrap();
        }
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(2)), 2);
        assert_eq!(whole_seconds(Duration::from_millis(2001)), 3);
    }
}
