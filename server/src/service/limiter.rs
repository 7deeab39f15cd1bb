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
}
