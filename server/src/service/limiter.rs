//! Rate limits kept in memory (per replica): failed tries of guessable secrets (passwords, join
//! and resume codes), and token buckets for what one client or learner may create or store
//! (new learners, attempts).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys kept before stale ones are dropped, so an attacker cannot make us spend unbounded memory.
const MAX_KEYS: usize = 100_000;

/// Counts failed tries per key (a client address, or an address and an email) in a sliding
/// window, with two levels:
///
/// * `max`: once a key has this many failures, a *failure* is answered "too many tries" — and for
///   argon2-checked secrets a try must [`reserve`](Self::reserve) a slot *before* the expensive
///   check, so concurrent tries cannot all slip past the count;
/// * `hard`: once a key has this many, every try is refused without a look-up, a correct one too.
///
/// Between the two a correct code is still accepted: typos behind one classroom NAT do not
/// block the class. Keys are never a user name or a code alone: a stranger could lock its owner
/// out.
#[derive(Debug)]
pub struct FailureLimiter {
    window: Duration,
    max: usize,
    hard: usize,
    state: Mutex<Failures>,
}

#[derive(Debug, Default)]
struct Failures {
    next_id: u64,
    /// Per key: (when, id) of each failure (or reservation) in the window, oldest first.
    by_key: HashMap<String, VecDeque<(Instant, u64)>>,
}

/// A failed try counted in advance (see [`FailureLimiter::reserve`]): dropped, it stays a
/// failure; [`Reservation::succeeded`] takes it back.
#[derive(Debug)]
#[must_use = "a reservation counts as a failure unless `succeeded` is called"]
pub struct Reservation<'a> {
    limiter: &'a FailureLimiter,
    keys: Vec<String>,
    id: u64,
}

impl Reservation<'_> {
    /// The try succeeded: it no longer counts.
    pub fn succeeded(self) {
        let mut state = self.limiter.lock();
        for k in &self.keys {
            if let Some(times) = state.by_key.get_mut(k) {
                times.retain(|(_, id)| *id != self.id);
            }
        }
    }
}

impl FailureLimiter {
    /// `max` failures per key in `window` before failures are refused; `hard` before all tries are.
    pub fn new(max: usize, hard: usize, window: Duration) -> Self {
        FailureLimiter {
            window,
            max,
            hard: hard.max(max),
            state: Mutex::new(Failures::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Failures> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Drops failures older than the window from `times`; how long until the oldest expires.
    fn prune(&self, times: &mut VecDeque<(Instant, u64)>, now: Instant) -> Duration {
        while times
            .front()
            .is_some_and(|(t, _)| now.saturating_duration_since(*t) > self.window)
        {
            times.pop_front();
        }
        times.front().map_or(Duration::ZERO, |(t, _)| {
            self.window
                .saturating_sub(now.saturating_duration_since(*t))
        })
    }

    /// The longest wait among keys with at least `limit` failures; None when all are below.
    fn over(
        &self,
        state: &mut Failures,
        keys: &[String],
        limit: usize,
        now: Instant,
    ) -> Option<Duration> {
        let mut wait = None;
        for k in keys {
            if let Some(times) = state.by_key.get_mut(k) {
                let until = self.prune(times, now);
                if times.len() >= limit {
                    wait = Some(wait.map_or(until, |w: Duration| w.max(until)));
                }
            }
        }
        wait.map(|w| w.max(Duration::from_secs(1)))
    }

    fn push(&self, state: &mut Failures, keys: &[String], now: Instant) -> u64 {
        if state.by_key.len() > MAX_KEYS {
            let window = self.window;
            state.by_key.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|(t, _)| now.saturating_duration_since(*t) <= window)
            });
        }
        state.next_id += 1;
        let id = state.next_id;
        for k in keys {
            state
                .by_key
                .entry(k.clone())
                .or_default()
                .push_back((now, id));
        }
        id
    }

    /// Counts a try as failed *before* it is checked, atomically with the check that the keys
    /// are below `max`: `Err(wait)` when one is not. Call [`Reservation::succeeded`] when the
    /// try turns out right.
    pub fn reserve(&self, keys: &[String]) -> Result<Reservation<'_>, Duration> {
        self.reserve_at(keys, Instant::now())
    }

    fn reserve_at(&self, keys: &[String], now: Instant) -> Result<Reservation<'_>, Duration> {
        let mut state = self.lock();
        if let Some(wait) = self.over(&mut state, keys, self.max, now) {
            return Err(wait);
        }
        let id = self.push(&mut state, keys, now);
        Ok(Reservation {
            limiter: self,
            keys: keys.to_vec(),
            id,
        })
    }

    /// `Some(wait)` when a key is so far over that even a correct try is refused.
    pub fn blocked(&self, keys: &[String]) -> Option<Duration> {
        let mut state = self.lock();
        self.over(&mut state, keys, self.hard, Instant::now())
    }

    /// Records a failed try; `Some(wait)` when a key has now used up its failures (the answer
    /// becomes "too many tries").
    pub fn record_failure(&self, keys: &[String]) -> Option<Duration> {
        self.record_failure_at(keys, Instant::now())
    }

    fn record_failure_at(&self, keys: &[String], now: Instant) -> Option<Duration> {
        let mut state = self.lock();
        self.push(&mut state, keys, now);
        self.over(&mut state, keys, self.max + 1, now)
    }
}

/// A token bucket per key: `burst` at once, refilled steadily. New learners per client address
/// (a classroom behind one NAT joins at once, a script cannot create learners and namespaces
/// without end) and attempts per learner.
#[derive(Debug)]
pub struct TokenBuckets {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl TokenBuckets {
    /// `burst` at once per key, refilled at `per` every `period`.
    pub fn new(burst: u32, per: u32, period: Duration) -> Self {
        TokenBuckets {
            burst: f64::from(burst),
            per_second: f64::from(per) / period.as_secs_f64().max(1e-3),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`; `Err(wait)` until the next one, when its bucket is empty.
    pub fn try_take(&self, key: &str) -> Result<(), Duration> {
        self.try_take_at(key, Instant::now())
    }

    fn try_take_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > MAX_KEYS {
            // Full buckets say nothing: drop them to bound memory.
            let (burst, rate) = (self.burst, self.per_second);
            map.retain(|_, (tokens, at)| {
                *tokens + now.saturating_duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = map.entry(key.to_string()).or_insert((self.burst, now));
        let refilled = (*tokens
            + now.saturating_duration_since(*at).as_secs_f64() * self.per_second)
            .min(self.burst);
        *at = now;
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            Ok(())
        } else {
            *tokens = refilled;
            let wait = if self.per_second > 0.0 {
                (1.0 - refilled) / self.per_second
            } else {
                3600.0
            };
            Err(Duration::from_secs_f64(wait.clamp(1.0, 86_400.0).ceil()))
        }
    }
}

#[cfg(test)]
mod tests;
