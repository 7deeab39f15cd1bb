//! The exercise API.
//!
//! * `GET /api/exercises`: every exercise, in its public form (no quiz answers).
//! * `GET /api/exercises/{id}`: one exercise, public form.
//! * `POST /api/exercises/{id}/submit`: check submitted text (Dockerfile, command, YAML, quiz
//!   answers) offline; the body is the raw text, at most 1 MiB.
//! * `POST /api/exercises/{id}/check`: check a cluster exercise in the learner's namespace, read
//!   from the server's shared watch caches.
//! * `GET /api/exercises/{id}/live`: server-sent events; a `verdict` and an `objects` event (the
//!   learner's objects as a graph, `kubelab_checks::graph`) now, and another of each every time a
//!   change in the shared caches changes it.
//! * `POST /api/exercises/{id}/start`: create the exercise's `setup:` objects in the learner's
//!   namespace; `POST /api/exercises/{id}/reset`: delete them, then create them again. A signed-in
//!   learner only; counted like checks.
//!
//! * `GET /api/exercises/{id}/rules`: what the browser needs to pre-check a text exercise as the
//!   server would ([`Exercise::rules`]); 404 `no-rules` for a quiz and a cluster-only exercise.
//! * `GET /api/exercises/{id}/hints`: the hints for the asking learner; a challenge's
//!   (`hints_after_failures`) open only after that many failed checks, and its verdicts carry no
//!   per-result hint until then.
//!
//! With gated progress on (docs/EXERCISES.md), submit, check, live, start and reset of an
//! exercise whose chapter is not open yet answer 409 `exercise-locked`.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::sse::Event;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::StreamExt;
use kubelab_checks::{Exercise, ObjectGraph, PublicExercise, Verdict};
use kubelab_store::Attempt;
use kubelab_wire::{Hints, Started, ATTEMPT_HEADER};
use tower_sessions::Session;

use crate::service::grading::LiveUpdate;
use crate::service::{Lab, ServiceError};
use crate::web::error::{body_of, WebError};
use crate::web::extract::{ClientAddr, CurrentLearner, MaybeLearner};
use crate::web::session::{self, learner_or_start};
use crate::web::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/exercises", get(list))
        .route("/api/exercises/{id}", get(one))
        .route(
            "/api/exercises/{id}/submit",
            post(submit).layer(DefaultBodyLimit::max(kubelab_checks::MAX_INPUT_BYTES)),
        )
        .route("/api/exercises/{id}/check", post(check))
        .route("/api/exercises/{id}/live", get(live))
        .route("/api/exercises/{id}/start", post(start))
        .route("/api/exercises/{id}/reset", post(reset))
        .route("/api/exercises/{id}/hints", get(hints))
        .route("/api/exercises/{id}/rules", get(rules))
}

async fn list(State(state): State<AppState>) -> Json<Vec<PublicExercise>> {
    Json(state.lab.catalog.iter().map(Exercise::public).collect())
}

async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PublicExercise>, WebError> {
    Ok(Json(state.lab.exercise(&id)?.public()))
}

/// The same for every learner; `no-cache`, so a browser never pre-checks with the rules of an
/// earlier content version (a reload after a deploy gets the new ones).
async fn rules(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let ex = state.lab.exercise(&id)?;
    let rules = ex.rules().ok_or(ServiceError::NoRules(id))?;
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-cache")],
        Json(rules),
    )
        .into_response())
}

/// The verdict, with the id of the stored attempt in a header: an answer that is 2xx has been
/// stored.
fn answered(verdict: Verdict, attempt: &Attempt) -> Response {
    ([(ATTEMPT_HEADER, attempt.id.to_string())], Json(verdict)).into_response()
}

async fn submit(
    State(state): State<AppState>,
    client: ClientAddr,
    session: Session,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let lab = &state.lab;
    let ex = lab.exercise(&id)?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge(kubelab_checks::MAX_INPUT_BYTES)
        } else {
            WebError::Body(rejection.body_text())
        }
    })?;
    let current = session::learner(lab, &session).await?;
    lab.require_open(current.as_ref(), &ex.id, &state.chapters())
        .await?;
    // Counted before the text is parsed: a flood costs neither CPU nor rows.
    lab.admit_attempt(&Lab::attempt_key(current.as_ref(), &client.key()))?;
    let verdict = lab.validate(ex, body.to_vec()).await?;
    // Only a readable submission makes a visitor a learner.
    let learner = learner_or_start(lab, &session, current, &client.key()).await?;
    let attempt = lab.record_submission(&learner, ex, &verdict, &body).await?;
    let verdict = lab.shown(ex, Some(&learner), verdict).await?;
    Ok(answered(verdict, &attempt))
}

async fn check(
    State(state): State<AppState>,
    client: ClientAddr,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let lab = &state.lab;
    let ex = lab.cluster_exercise(&id)?;
    lab.cluster()?;
    let current = session::learner(lab, &session).await?;
    lab.require_open(current.as_ref(), &ex.id, &state.chapters())
        .await?;
    lab.admit_attempt(&Lab::attempt_key(current.as_ref(), &client.key()))?;
    let learner = learner_or_start(lab, &session, current, &client.key()).await?;
    let (verdict, attempt) = lab.check(ex, &learner).await?;
    let verdict = lab.shown(ex, Some(&learner), verdict).await?;
    Ok(answered(verdict, &attempt))
}

/// Start or reset: only for a learner who exists (the objects land in their namespace).
async fn set_up(
    state: &AppState,
    learner: &kubelab_store::Learner,
    id: &str,
    reset: bool,
) -> Result<Json<Started>, WebError> {
    let lab = &state.lab;
    let ex = lab.startable_exercise(id)?;
    lab.cluster()?;
    lab.require_open(Some(learner), &ex.id, &state.chapters())
        .await?;
    lab.admit_attempt(&Lab::attempt_key(Some(learner), ""))?;
    Ok(Json(lab.start(ex, learner, reset).await?))
}

async fn start(
    State(state): State<AppState>,
    CurrentLearner(learner): CurrentLearner,
    Path(id): Path<String>,
) -> Result<Json<Started>, WebError> {
    set_up(&state, &learner, &id, false).await
}

async fn reset(
    State(state): State<AppState>,
    CurrentLearner(learner): CurrentLearner,
    Path(id): Path<String>,
) -> Result<Json<Started>, WebError> {
    set_up(&state, &learner, &id, true).await
}

/// The exercise's hints for the asking learner (a visitor too): all, or none yet and how many
/// failed checks open them.
async fn hints(
    State(state): State<AppState>,
    MaybeLearner(learner): MaybeLearner,
    Path(id): Path<String>,
) -> Result<Json<Hints>, WebError> {
    let lab = &state.lab;
    let ex = lab.exercise(&id)?;
    Ok(Json(lab.hints(ex, learner.as_ref()).await?))
}

fn objects_event(g: &ObjectGraph) -> Event {
    Event::default()
        .event("objects")
        .json_data(g)
        .unwrap_or_else(|_| {
            Event::default()
                .event("error")
                .data("objects not serialisable")
        })
}

fn verdict_event(v: &Verdict) -> Event {
    Event::default()
        .event("verdict")
        .json_data(v)
        .unwrap_or_else(|_| {
            Event::default()
                .event("error")
                .data("verdict not serialisable")
        })
}

/// Live verdicts as server-sent events (`verdict`, and `error` with `{code, message}` when the
/// cache cannot be read; the stream goes on; it ends when the server shuts down). Only for a
/// learner who exists: a GET never creates one (an `<img>` on any site could otherwise). A
/// learner has a few streams at most, the server a bounded number: the slot is held by the
/// stream and freed when it is dropped (the client went, or shutdown).
async fn live(
    State(state): State<AppState>,
    CurrentLearner(learner): CurrentLearner,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let lab = state.lab.clone();
    let ex = lab.cluster_exercise(&id)?.clone();
    lab.cluster()?;
    lab.require_open(Some(&learner), &ex.id, &state.chapters())
        .await?;
    let slot = lab.streams.acquire(&learner.id)?;
    lab.admit_attempt(&Lab::attempt_key(Some(&learner), ""))?;
    let (first, graph, updates) = lab.clone().live(ex.clone(), learner.clone()).await?;
    let first = lab.shown(&ex, Some(&learner), first).await?;
    let (ex, learner, shown_by) = (Arc::new(ex), Arc::new(learner), lab.clone());
    let updates = updates.then(move |update| {
        let (lab, ex, learner) = (shown_by.clone(), ex.clone(), learner.clone());
        async move {
            match update {
                // A store hiccup shows the verdict without hints rather than with them.
                LiveUpdate::Verdict(v) => {
                    LiveUpdate::Verdict(match lab.hints_to_go(&ex, Some(&learner)).await {
                        Ok(None) => v,
                        _ => v.without_hints(),
                    })
                }
                other => other,
            }
        }
    });
    let updates = updates.map(|update| {
        Ok::<_, Infallible>(match update {
            LiveUpdate::Verdict(v) => verdict_event(&v),
            LiveUpdate::Objects(g) => objects_event(&g),
            LiveUpdate::Error(e) => Event::default()
                .event("error")
                .json_data(body_of(&ServiceError::from(e)).error)
                .unwrap_or_default(),
        })
    });
    let firsts = [verdict_event(&first), objects_event(&graph)].map(Ok::<_, Infallible>);
    let stream = futures::stream::iter(firsts)
        .chain(updates)
        .take_until(state.shutting_down())
        .map(move |event| {
            let _held = &slot;
            event
        });
    Ok(super::event_stream(stream))
}

#[cfg(test)]
pub(crate) mod tests;
