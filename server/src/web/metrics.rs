//! `GET /metrics` in Prometheus' text format, served on a listener of its own
//! (`--metrics-addr`, off by default) and never on the public one: an operator's numbers are
//! not the learners' business, and a separate port is something a network policy or a firewall
//! can close without touching the course.
//!
//! The services count through the `metrics` facade (`service/metrics.rs`); this module installs
//! the process's one recorder (`metrics-exporter-prometheus`) and answers scrapes. Before each
//! scrape the read-not-counted gauges (learners, namespaces, open streams, watch-cache
//! freshness) are set by `Lab::observe`.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::service::metrics::{describe, SECONDS_BUCKETS};
use crate::service::Lab;

/// The content type of Prometheus' text exposition format.
pub const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";
/// A scrape reads the store once (the learner count); it answers within this, whatever the store does.
const OBSERVE_DEADLINE: Duration = Duration::from_secs(5);
/// How often histograms are compacted between scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
#[error("cannot install the metrics recorder: {0}")]
pub struct RecorderError(String);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
static INSTALLING: Mutex<()> = Mutex::new(());

/// The process's metrics recorder, installed on the first call (the `metrics` facade has one
/// recorder per process; later calls get the same handle).
pub fn recorder() -> Result<PrometheusHandle, RecorderError> {
    let _one_at_a_time = INSTALLING.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
        .map_err(|e| RecorderError(e.to_string()))?
        .install_recorder()
        .map_err(|e| RecorderError(e.to_string()))?;
    describe();
    let upkeep = handle.clone();
    // Histograms keep raw samples until upkeep folds them into buckets.
    if tokio::runtime::Handle::try_current().is_ok() {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(UPKEEP_EVERY);
            loop {
                every.tick().await;
                upkeep.run_upkeep();
            }
        });
    }
    Ok(HANDLE.get_or_init(|| handle).clone())
}

/// The metrics listener's router: `GET /metrics`, nothing else (404).
pub fn router(lab: Arc<Lab>, handle: PrometheusHandle) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state((lab, handle))
}

async fn scrape(State((lab, handle)): State<(Arc<Lab>, PrometheusHandle)>) -> Response {
    if tokio::time::timeout(OBSERVE_DEADLINE, lab.observe())
        .await
        .is_err()
    {
        tracing::warn!("metrics: the gauges were not all read within {OBSERVE_DEADLINE:?}");
    }
    handle.run_upkeep();
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, TEXT_FORMAT)],
        handle.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests;
