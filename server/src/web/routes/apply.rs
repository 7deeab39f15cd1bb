//! Apply from the page, for a signed-in learner with a cluster:
//!
//! * `POST /api/me/apply` — `{yaml, dry_run}`: server-side apply (or a dry run) of every
//!   document into the learner's namespace, as the learner;
//! * `POST /api/me/apply/delete` — `{yaml}`: delete the objects the YAML names.
//!
//! Both answer an `ApplyReport` (problems found before anything was sent, or one outcome per
//! object). Each counts as an attempt against `--submissions-per-minute`.

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::post;
use axum::{Json, Router};
use kubelab_checks::apply::MAX_APPLY_BYTES;
use kubelab_wire::{ApplyBody, ApplyReport};

use crate::service::apply::ApplyAction;
use crate::web::error::WebError;
use crate::web::extract::{AppJson, CurrentLearner};
use crate::web::AppState;

/// The YAML, JSON-escaped (a quote or a newline takes two bytes), and the envelope.
const MAX_BODY: usize = 2 * MAX_APPLY_BYTES + 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/me/apply", post(apply))
        .route("/api/me/apply/delete", post(delete))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

async fn apply(
    State(state): State<AppState>,
    CurrentLearner(learner): CurrentLearner,
    AppJson(body): AppJson<ApplyBody>,
) -> Result<Json<ApplyReport>, WebError> {
    state.lab.admit_attempt(&learner.id)?;
    let action = ApplyAction::Apply {
        dry_run: body.dry_run,
    };
    Ok(Json(
        state.lab.apply_yaml(&learner, &body.yaml, action).await?,
    ))
}

async fn delete(
    State(state): State<AppState>,
    CurrentLearner(learner): CurrentLearner,
    AppJson(body): AppJson<ApplyBody>,
) -> Result<Json<ApplyReport>, WebError> {
    state.lab.admit_attempt(&learner.id)?;
    Ok(Json(
        state
            .lab
            .apply_yaml(&learner, &body.yaml, ApplyAction::Delete)
            .await?,
    ))
}
