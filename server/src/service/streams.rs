//! Open event streams are held connections and a task each: a learner may keep a few (tabs), and
//! the process a bounded number. A slot is taken before a stream starts and given back when the
//! stream is dropped, however it ends (closed tab, network gone, shutdown).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::error::{Result, ServiceError};

/// Counts open streams per learner and in total.
#[derive(Debug, Clone)]
pub struct StreamSlots {
    per_learner: u32,
    max: u32,
    open: Arc<Mutex<Open>>,
}

#[derive(Debug, Default)]
struct Open {
    total: u32,
    by_learner: HashMap<String, u32>,
}

/// One open stream; dropping it frees the slot.
#[derive(Debug)]
pub struct StreamSlot {
    learner: String,
    open: Arc<Mutex<Open>>,
}

impl StreamSlots {
    pub fn new(per_learner: u32, max: u32) -> Self {
        StreamSlots {
            per_learner,
            max,
            open: Arc::default(),
        }
    }

    fn lock(open: &Mutex<Open>) -> std::sync::MutexGuard<'_, Open> {
        open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A slot for one more stream of `learner`, or why not.
    pub fn acquire(&self, learner: &str) -> Result<StreamSlot> {
        let mut open = Self::lock(&self.open);
        if open.total >= self.max {
            tracing::warn!(max = self.max, "live stream limit reached");
            return Err(ServiceError::TooManyStreams { per_learner: None });
        }
        let mine = open.by_learner.entry(learner.to_string()).or_default();
        if *mine >= self.per_learner {
            return Err(ServiceError::TooManyStreams {
                per_learner: Some(self.per_learner),
            });
        }
        *mine += 1;
        open.total += 1;
        Ok(StreamSlot {
            learner: learner.to_string(),
            open: self.open.clone(),
        })
    }

    /// Streams open now (all, and of `learner`).
    pub fn open(&self, learner: &str) -> (u32, u32) {
        let open = Self::lock(&self.open);
        (
            open.total,
            open.by_learner.get(learner).copied().unwrap_or_default(),
        )
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = StreamSlots::lock(&self.open);
        open.total = open.total.saturating_sub(1);
        if let Some(n) = open.by_learner.get_mut(&self.learner) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.by_learner.remove(&self.learner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_learner_gets_a_few_streams_everybody_a_bounded_number_and_drops_free_them() {
        let slots = StreamSlots::new(2, 3);
        let a1 = slots.acquire("a").expect("first");
        let a2 = slots.acquire("a").expect("second");
        let err = slots.acquire("a").expect_err("third of one learner");
        assert_eq!(err.code(), "too-many-streams");
        let b1 = slots.acquire("b").expect("another learner");
        let err = slots.acquire("c").expect_err("over the total");
        assert_eq!(err.code(), "too-many-streams");
        assert_eq!(slots.open("a"), (3, 2));
        drop(a1);
        assert_eq!(slots.open("a"), (2, 1));
        let _c1 = slots.acquire("c").expect("a freed slot is free");
        drop((a2, b1));
        assert_eq!(slots.open("a"), (1, 0));
    }
}
