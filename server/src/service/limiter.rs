//! Failed tries: sign-ins, joins and resume codes are guessable, so their failures are counted.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts failed sign-ins and joins per key (client address, email, join code) in a sliding
/// window. Successful requests are never limited: a classroom behind one NAT address joins at once.
#[derive(Debug)]
pub struct FailureLimiter {
    window: Duration,
    max: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl FailureLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        FailureLimiter {
            window,
            max,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Whether any of the keys has used up its failures.
    pub fn is_limited(&self, keys: &[String]) -> bool {
        self.is_limited_at(keys, Instant::now())
    }

    fn is_limited_at(&self, keys: &[String], now: Instant) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter().any(|k| match map.get_mut(k) {
            Some(times) => {
                while times
                    .front()
                    .is_some_and(|t| now.saturating_duration_since(*t) > self.window)
                {
                    times.pop_front();
                }
                times.len() >= self.max
            }
            None => false,
        })
    }

    pub fn record_failure(&self, keys: &[String]) {
        self.record_failure_at(keys, Instant::now())
    }

    fn record_failure_at(&self, keys: &[String], now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Bound the memory an attacker can make us spend: drop stale keys when the map grows.
        if map.len() > 100_000 {
            map.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.saturating_duration_since(*t) <= self.window)
            });
        }
        for k in keys {
            map.entry(k.clone()).or_default().push_back(now);
        }
    }
}

/// New learners per client: a token bucket per key, so a classroom behind one NAT address can
/// join at once (the burst) while a script cannot create learners (and namespaces) without end.
#[derive(Debug)]
pub struct CreationLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl CreationLimiter {
    /// `burst` learners at once per key, refilled at `per_hour`.
    pub fn new(burst: u32, per_hour: u32) -> Self {
        CreationLimiter {
            burst: f64::from(burst),
            per_second: f64::from(per_hour) / 3600.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one creation for `key`; false when its bucket is empty.
    pub fn try_take(&self, key: &str) -> bool {
        self.try_take_at(key, Instant::now())
    }

    fn try_take_at(&self, key: &str, now: Instant) -> bool {
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
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
            true
        } else {
            *tokens = refilled;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_counts_failures_per_key() {
        let limiter = FailureLimiter::new(3, Duration::from_secs(60));
        let keys = vec!["ip:1.2.3.4".to_string(), "email:a@b".to_string()];
        for _ in 0..3 {
            assert!(!limiter.is_limited(&keys));
            limiter.record_failure(&keys);
        }
        assert!(limiter.is_limited(&keys));
        // Another address and email are not affected.
        assert!(!limiter.is_limited(&["ip:5.6.7.8".to_string()]));
        // The email alone is limited too, from any address.
        assert!(limiter.is_limited(&["ip:9.9.9.9".to_string(), "email:a@b".to_string()]));
    }

    #[test]
    fn failures_expire_after_the_window() {
        let limiter = FailureLimiter::new(1, Duration::from_secs(60));
        let keys = vec!["ip:1".to_string()];
        let t0 = Instant::now();
        limiter.record_failure_at(&keys, t0);
        assert!(limiter.is_limited_at(&keys, t0 + Duration::from_secs(59)));
        assert!(!limiter.is_limited_at(&keys, t0 + Duration::from_secs(61)));
    }

    #[test]
    fn a_classroom_joins_at_once_and_a_script_is_stopped_then_refilled() {
        let limiter = CreationLimiter::new(40, 60);
        let t0 = Instant::now();
        for i in 0..40 {
            assert!(
                limiter.try_take_at("ip:1.2.3.4", t0),
                "learner {i} of the class"
            );
        }
        assert!(!limiter.try_take_at("ip:1.2.3.4", t0));
        // Another address is not affected.
        assert!(limiter.try_take_at("ip:5.6.7.8", t0));
        // One per minute comes back.
        assert!(!limiter.try_take_at("ip:1.2.3.4", t0 + Duration::from_secs(30)));
        assert!(limiter.try_take_at("ip:1.2.3.4", t0 + Duration::from_secs(90)));
    }
}
