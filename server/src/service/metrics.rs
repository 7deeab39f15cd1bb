//! What kubelab counts for an operator, through the `metrics` facade: the services record,
//! whoever installed a recorder (the server's `--metrics-addr` listener, `web/metrics.rs`)
//! exports. Without a recorder (the CLI, most tests) every call here is a no-op.
//!
//! Labels are bounded: exercise ids come from the catalog (a check of an unknown id never gets
//! here), outcomes and operations are fixed words, error codes are the enums' `code()`s, cache
//! types are the catalog's `needs`. Learner ids and namespaces are never labels.

use std::future::Future;
use std::time::{Duration, Instant};

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};

use super::Lab;

pub const CHECKS: &str = "kubelab_checks_total";
pub const CHECK_SECONDS: &str = "kubelab_check_duration_seconds";
pub const LIVE_STREAMS: &str = "kubelab_live_streams_open";
pub const LEARNERS: &str = "kubelab_learners";
pub const NAMESPACES: &str = "kubelab_namespaces_ready";
pub const PROVISIONING_FAILURES: &str = "kubelab_provisioning_failures_total";
pub const CACHE_EVENT_AGE: &str = "kubelab_watch_cache_last_event_age_seconds";
pub const CACHE_OBJECTS: &str = "kubelab_watch_cache_objects";
pub const STORE_SECONDS: &str = "kubelab_store_duration_seconds";
pub const STORE_ERRORS: &str = "kubelab_store_errors_total";

/// Histogram buckets of the `_seconds` metrics: a check from memory takes well under a
/// millisecond, a store write a few, a check that waits for a first list up to 4.5 s.
pub const SECONDS_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Registers every metric's help text (once, after the recorder is installed).
pub fn describe() {
    describe_counter!(
        CHECKS,
        "Verdicts decided, by exercise, kind (cluster | offline) and outcome (pass | fail | error)."
    );
    describe_histogram!(
        CHECK_SECONDS,
        metrics::Unit::Seconds,
        "Time to decide a verdict (cluster: snapshot + evaluate; offline: parse + evaluate), by kind."
    );
    describe_gauge!(LIVE_STREAMS, "Live-verdict streams open now.");
    describe_gauge!(LEARNERS, "Learners in the store.");
    describe_gauge!(
        NAMESPACES,
        "Learner namespaces this process has provisioned or found ready since it started."
    );
    describe_counter!(
        PROVISIONING_FAILURES,
        "Learner namespaces that could not be provisioned or reset, by error code."
    );
    describe_gauge!(
        CACHE_EVENT_AGE,
        metrics::Unit::Seconds,
        "Seconds since the shared watch cache of a type last saw an event (list or change), by type."
    );
    describe_gauge!(CACHE_OBJECTS, "Objects in the shared watch cache, by type.");
    describe_histogram!(
        STORE_SECONDS,
        metrics::Unit::Seconds,
        "Time of store operations, by operation."
    );
    describe_counter!(STORE_ERRORS, "Store operations that failed, by operation.");
}

/// Counts a decided verdict (or a check that could not decide one) and its latency.
pub(crate) fn checked(exercise: &str, kind: &'static str, outcome: Outcome, took: Duration) {
    counter!(CHECKS, "exercise" => exercise.to_string(), "kind" => kind, "outcome" => outcome.word())
        .increment(1);
    histogram!(CHECK_SECONDS, "kind" => kind).record(took.as_secs_f64());
}

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Pass,
    Fail,
    Error,
}

impl Outcome {
    pub(crate) fn of(passed: bool) -> Outcome {
        if passed {
            Outcome::Pass
        } else {
            Outcome::Fail
        }
    }

    fn word(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Error => "error",
        }
    }
}

/// Counts a namespace that could not be provisioned (or reset).
pub(crate) fn provisioning_failed(code: &'static str) {
    counter!(PROVISIONING_FAILURES, "code" => code).increment(1);
}

/// Runs a store operation and records how long it took (and whether it failed).
pub(crate) async fn store_op<T, E>(
    op: &'static str,
    f: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let started = Instant::now();
    let result = f.await;
    histogram!(STORE_SECONDS, "op" => op).record(started.elapsed().as_secs_f64());
    if result.is_err() {
        counter!(STORE_ERRORS, "op" => op).increment(1);
    }
    result
}

impl Lab {
    /// Sets the gauges that are read rather than counted: learners, namespaces, open streams,
    /// the watch caches' freshness. Called before each scrape. A store that cannot count
    /// leaves the learner gauge as it was (and is counted in [`STORE_ERRORS`]).
    pub async fn observe(&self) {
        gauge!(LIVE_STREAMS).set(f64::from(self.streams.open("").0));
        gauge!(NAMESPACES).set(self.ensured_count() as f64);
        if let Ok(n) = store_op("count_learners", self.store.count_learners()).await {
            gauge!(LEARNERS).set(n as f64);
        }
        if let Ok(cluster) = &self.cluster {
            for t in cluster.cache().freshness() {
                let name = format!("{}/{}", t.type_key.api_version, t.type_key.plural);
                gauge!(CACHE_OBJECTS, "type" => name.clone()).set(t.objects as f64);
                // A type still waiting for its first list has no age yet.
                if let Some(age) = t.last_event_age {
                    gauge!(CACHE_EVENT_AGE, "type" => name).set(age.as_secs_f64());
                }
            }
        }
    }
}
