//! The idle reaper: a self-paced learner's namespace that nobody used for
//! `--idle-namespace-ttl` is removed, so a public kubelab does not keep every visitor's
//! namespace forever. Progress and attempts stay in the store; the next check, kubeconfig or
//! visit to My lab provisions an empty namespace again. Classroom learners are left to their
//! instructor (archiving a classroom removes its namespaces).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use kubelab_store::Learner;
use kubelab_wire::IdleRemoval;

use super::{Lab, Result};

/// Activity is written to the store at most this often per learner: every request of a
/// signed-in learner counts, and most of them are reads.
const TOUCH_EVERY: Duration = Duration::from_secs(300);
/// Beyond this many remembered touches, the old ones are forgotten (memory stays bounded).
const MAX_TOUCHES: usize = 50_000;
/// Learners looked at per store query while reaping.
const REAP_BATCH: u32 = 50;

/// Wall-clock time in unix milliseconds, as the store keeps it.
pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// When the learner last did something, as far as this process remembers writing it.
#[derive(Debug, Default)]
pub struct Touches(std::sync::Mutex<HashMap<String, Instant>>);

impl Touches {
    /// Whether `id` should be written now (and remembers that it was).
    fn due(&self, id: &str, now: Instant) -> bool {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map
            .get(id)
            .is_some_and(|t| now.duration_since(*t) < TOUCH_EVERY)
        {
            return false;
        }
        if map.len() >= MAX_TOUCHES {
            map.retain(|_, t| now.duration_since(*t) < TOUCH_EVERY);
        }
        if map.len() < MAX_TOUCHES {
            map.insert(id.to_string(), now);
        }
        true
    }

    fn forget(&self, id: &str) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
    }
}

impl Lab {
    /// Notes that the learner used kubelab (throttled). A store that fails here only logs: a
    /// lost touch at worst removes an idle namespace a few minutes early.
    pub async fn touch(&self, learner: &Learner) {
        if self.limits.idle_namespace_ttl.is_none()
            || !self.touches.due(&learner.id, Instant::now())
        {
            return;
        }
        if let Err(e) = self.store.touch_learner(&learner.id, now_ms()).await {
            self.touches.forget(&learner.id);
            tracing::warn!(learner = %learner.id, error = %e, "could not note the learner's activity");
        }
    }

    /// What My lab says about the reaper: when the namespace goes if the learner stays away.
    /// `None` when nothing is reaped (no TTL, no provisioning, or a classroom learner).
    pub async fn idle_removal(&self, learner: &Learner) -> Result<Option<IdleRemoval>> {
        let Some(ttl) = self.limits.idle_namespace_ttl else {
            return Ok(None);
        };
        if self.provisioner.is_none() || learner.classroom_id.is_some() {
            return Ok(None);
        }
        let last = self
            .store
            .last_active(&learner.id)
            .await?
            .unwrap_or(learner.created_at);
        Ok(Some(IdleRemoval {
            after_secs: ttl.as_secs(),
            at: last.saturating_add(ms(ttl)),
        }))
    }

    /// Removes the namespaces of self-paced learners idle for longer than the TTL at `now`
    /// (unix ms), a batch at a time; returns how many. A namespace that fails to go is logged
    /// and tried again on the next round.
    pub async fn reap_idle(&self, now: i64) -> Result<usize> {
        let (Some(ttl), Some(p)) = (self.limits.idle_namespace_ttl, &self.provisioner) else {
            return Ok(0);
        };
        let before = now.saturating_sub(ms(ttl));
        let mut removed = 0;
        loop {
            let idle = self.store.idle_learners(before, REAP_BATCH).await?;
            let full = idle.len() == REAP_BATCH as usize;
            let mut progressed = false;
            for learner in idle {
                // Active again since it was listed: keep it.
                if self.store.last_active(&learner.id).await?.unwrap_or(0) >= before {
                    continue;
                }
                let ns = self.namespace_of(&learner);
                self.mark_ensured(&ns, false);
                match p.remove(&ns).await {
                    Ok(()) => {
                        self.store
                            .set_namespace_removed(&learner.id, Some(now))
                            .await?;
                        tracing::info!(learner = %learner.id, namespace = %ns, "idle namespace removed");
                        removed += 1;
                        progressed = true;
                    }
                    Err(e) => {
                        tracing::warn!(learner = %learner.id, namespace = %ns, error = %e, "could not remove an idle namespace");
                    }
                }
            }
            // A batch that removed nothing would be listed again: wait for the next round.
            if !full || !progressed {
                return Ok(removed);
            }
        }
    }
}

/// How often the reaper looks: a tenth of the TTL, between one and fifteen minutes.
pub fn reap_every(ttl: Duration) -> Duration {
    (ttl / 10).clamp(Duration::from_secs(60), Duration::from_secs(900))
}

/// Reaps idle namespaces every [`reap_every`] until `stop` turns true. Does nothing without a
/// TTL or a provisioner. Every replica may run it: removing a namespace twice is harmless.
pub async fn run_reaper(lab: std::sync::Arc<Lab>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let Some(ttl) = lab.limits.idle_namespace_ttl else {
        return;
    };
    if lab.provisioner.is_none() {
        return;
    }
    let mut tick = tokio::time::interval(reap_every(ttl));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        match lab.reap_idle(now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "idle namespaces removed"),
            Err(e) => tracing::warn!(error = %e, "the idle reaper failed; trying again later"),
        }
    }
}

#[cfg(test)]
mod sandbox_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reaper_looks_a_tenth_of_the_ttl_apart_within_bounds() {
        assert_eq!(
            reap_every(Duration::from_secs(7 * 86_400)),
            Duration::from_secs(900)
        );
        assert_eq!(
            reap_every(Duration::from_secs(3_600)),
            Duration::from_secs(360)
        );
        assert_eq!(reap_every(Duration::from_secs(60)), Duration::from_secs(60));
    }

    #[test]
    fn a_learner_is_written_at_most_once_per_interval_and_memory_stays_bounded() {
        let touches = Touches::default();
        let t0 = Instant::now();
        assert!(touches.due("a", t0));
        assert!(!touches.due("a", t0 + Duration::from_secs(60)));
        assert!(touches.due("b", t0 + Duration::from_secs(60)));
        assert!(touches.due("a", t0 + TOUCH_EVERY));
        touches.forget("b");
        assert!(touches.due("b", t0 + Duration::from_secs(61)));

        let many = Touches::default();
        for i in 0..MAX_TOUCHES + 10 {
            assert!(many.due(&format!("l{i}"), t0));
        }
        assert!(many.0.lock().unwrap().len() <= MAX_TOUCHES);
        // Later, the old entries are dropped to make room.
        assert!(many.due("late", t0 + TOUCH_EVERY));
        assert!(many.0.lock().unwrap().len() < 10);
    }
}
