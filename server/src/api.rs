//! The JSON API for exercises.
//!
//! * `GET /api/exercises`: every exercise, in its public form (no quiz answers).
//! * `GET /api/exercises/{id}`: one exercise, public form.
//! * `POST /api/exercises/{id}/submit`: check submitted text (Dockerfile, command, YAML, quiz
//!   answers) offline; the body is the raw text, at most 1 MiB.
//! * `POST /api/exercises/{id}/check`: check a cluster exercise against the configured namespace,
//!   read from the server's shared watch caches ([`crate::cluster::cache`]).
//! * `GET /api/exercises/{id}/live`: server-sent events; a `verdict` event now, and another each
//!   time a change in the shared caches changes the verdict.
//!
//! Every error is `{ "error": { "code": "...", "message": { "zh": "...", "en": "..." } } }`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::convert::Infallible;
use std::sync::Arc;

use futures::stream::BoxStream;
use futures::StreamExt;
use kubelab_checks::{Exercise, ExerciseKind, InputError, PublicExercise, Text, Verdict};

use kubelab_store::{Attempt, AttemptSource};
use tower_sessions::Session;

use crate::accounts::AccountError;
use crate::exercises::{input_error_code, input_error_text, not_cluster_text, unknown_exercise};
use crate::http::AppState;

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
}

/// Everything the exercise API can answer instead of a verdict. Each maps to one status and code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("unknown exercise {0}")]
    UnknownExercise(String),
    #[error("the request body is over 1 MiB")]
    TooLarge,
    #[error("cannot read the request body: {0}")]
    Body(String),
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("exercise {0} is not checked in a cluster")]
    NotCluster(String),
    #[error("{0}")]
    Cluster(#[from] crate::cluster::Error),
    #[error("{0}")]
    Account(#[from] AccountError),
}

#[derive(serde::Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(serde::Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: Text,
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, Text) {
        match self {
            ApiError::UnknownExercise(id) => (
                StatusCode::NOT_FOUND,
                "unknown-exercise",
                unknown_exercise(id),
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                Text::new(
                    "提交的内容超过 1 MiB，已拒绝。",
                    "The submission is over 1 MiB; refused.",
                ),
            ),
            ApiError::Body(message) => (
                StatusCode::BAD_REQUEST,
                "bad-request",
                Text::new(
                    format!("无法读取请求内容：{message}"),
                    format!("Cannot read the request body: {message}"),
                ),
            ),
            ApiError::Input(e) => {
                let status = match e {
                    InputError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                    InputError::NotOffline { .. } => StatusCode::CONFLICT,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                (status, input_error_code(e), input_error_text(e))
            }
            ApiError::NotCluster(id) => (StatusCode::CONFLICT, "not-cluster", not_cluster_text(id)),
            ApiError::Cluster(e) => {
                let status = match e {
                    crate::cluster::Error::BadNamespace { .. } => StatusCode::INTERNAL_SERVER_ERROR,
                    e if e.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
                    _ => StatusCode::BAD_GATEWAY,
                };
                (status, e.code(), e.text())
            }
            ApiError::Account(e) => e.parts(),
        }
    }
}

/// The one shape of every API error: `{ "error": { "code", "message": { "zh", "en" } } }`.
pub fn error_response(status: StatusCode, code: &str, message: Text) -> Response {
    (
        status,
        Json(ErrorBody {
            error: ErrorDetail { code, message },
        }),
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        if status.is_server_error() {
            tracing::warn!(code, "exercise API: {self}");
        }
        error_response(status, code, message)
    }
}

fn find<'s>(state: &'s AppState, id: &str) -> Result<&'s Exercise, ApiError> {
    state
        .catalog
        .get(id)
        .ok_or_else(|| ApiError::UnknownExercise(id.to_string()))
}

async fn list(State(state): State<AppState>) -> Json<Vec<PublicExercise>> {
    Json(state.catalog.iter().map(Exercise::public).collect())
}

async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PublicExercise>, ApiError> {
    Ok(Json(find(&state, &id)?.public()))
}

/// The verdict, with the id of the stored attempt in a header (`x-kubelab-attempt`): an answer
/// that is 2xx has been stored.
fn answered(verdict: Verdict, attempt: &Attempt) -> Response {
    ([(ATTEMPT_HEADER, attempt.id.to_string())], Json(verdict)).into_response()
}

/// The header that carries the id of the attempt a check or submission stored.
pub const ATTEMPT_HEADER: &str = "x-kubelab-attempt";

async fn submit(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let ex = find(&state, &id)?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::Body(rejection.body_text())
        }
    })?;
    let verdict = kubelab_checks::validate_bytes(ex, &body)?;
    tracing::info!(exercise = %ex.id, passed = verdict.passed, "submission checked");
    let learner = state.accounts.learner_or_start(&session).await?;
    // validate_bytes has refused anything that is not UTF-8.
    let input = String::from_utf8_lossy(&body);
    let attempt = state
        .accounts
        .record(
            &learner,
            &ex.id,
            AttemptSource::Submit,
            &verdict,
            &[],
            Some(&input),
        )
        .await?;
    Ok(answered(verdict, &attempt))
}

/// Checks `ex` in `namespace` from the shared watch cache; also returns the objects evaluated
/// (the evidence an attempt keeps).
pub async fn check_cluster(
    state: &AppState,
    ex: &Exercise,
    namespace: &str,
) -> Result<(Verdict, Vec<serde_json::Value>), crate::cluster::Error> {
    let cluster = state.cluster.as_ref().map_err(|e| e.clone())?;
    let snapshot = cluster.cache().snapshot(&ex.needs, namespace).await?;
    let verdict = kubelab_checks::evaluate(ex, &snapshot);
    Ok((verdict, snapshot.objects))
}

async fn check(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let ex = find(&state, &id)?;
    if ex.kind != ExerciseKind::Cluster {
        return Err(ApiError::NotCluster(ex.id.clone()));
    }
    state.cluster.as_ref().map_err(|e| e.clone())?;
    let accounts = &state.accounts;
    let learner = accounts.learner_or_start(&session).await?;
    let namespace = accounts.ensure_namespace(&learner).await?;
    let (verdict, evidence) = check_cluster(&state, ex, &namespace).await?;
    tracing::info!(exercise = %ex.id, namespace = %namespace, passed = verdict.passed, "cluster check");
    let attempt = accounts
        .record(
            &learner,
            &ex.id,
            AttemptSource::Check,
            &verdict,
            &evidence,
            None,
        )
        .await?;
    Ok(answered(verdict, &attempt))
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

/// Live verdicts: one check now, then one per burst of changes to the objects the exercise
/// reads, in the learner's namespace (the shared caches announce them; this opens no watch of
/// its own); only verdicts that differ from the last one are sent.
async fn live(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let ex = Arc::new(find(&state, &id)?.clone());
    if ex.kind != ExerciseKind::Cluster {
        return Err(ApiError::NotCluster(ex.id.clone()));
    }
    let cache = state
        .cluster
        .as_ref()
        .map_err(|e| e.clone())?
        .cache()
        .clone();
    let accounts = state.accounts.clone();
    let learner = Arc::new(accounts.learner_or_start(&session).await?);
    let namespace = accounts.ensure_namespace(&learner).await?;
    // Subscribed before the first read, so no change falls between the two.
    let changes = cache.changes(&ex.needs, &namespace).ready_chunks(256);
    // An unreachable cluster is an HTTP error, not an empty stream.
    let snapshot = cache.snapshot(&ex.needs, &namespace).await?;
    let first = kubelab_checks::evaluate(&ex, &snapshot);
    accounts
        .record(
            &learner,
            &ex.id,
            AttemptSource::Live,
            &first,
            &snapshot.objects,
            None,
        )
        .await?;
    let last = Arc::new(std::sync::Mutex::new(serde_json::to_string(&first).ok()));
    let updates = changes
        .then(move |_| {
            let (cache, ex, namespace) = (cache.clone(), ex.clone(), namespace.clone());
            let (accounts, learner, last) = (accounts.clone(), learner.clone(), last.clone());
            async move {
                let snapshot = match cache.snapshot(&ex.needs, &namespace).await {
                    Ok(s) => s,
                    Err(e) => {
                        let data = serde_json::json!({ "code": e.code(), "message": e.text() });
                        return Some(
                            Event::default()
                                .event("error")
                                .json_data(data)
                                .unwrap_or_default(),
                        );
                    }
                };
                let verdict = kubelab_checks::evaluate(&ex, &snapshot);
                let json = serde_json::to_string(&verdict).ok();
                {
                    let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
                    if *last == json {
                        return None;
                    }
                    *last = json;
                }
                // Each new verdict the learner is shown is an attempt. A store failure is
                // logged; the live view goes on.
                if let Err(e) = accounts
                    .record(
                        &learner,
                        &ex.id,
                        AttemptSource::Live,
                        &verdict,
                        &snapshot.objects,
                        None,
                    )
                    .await
                {
                    tracing::warn!(error = %e, "live verdict not stored");
                }
                Some(verdict_event(&verdict))
            }
        })
        .filter_map(|event| futures::future::ready(event.map(Ok)));
    let stream: BoxStream<'static, Result<Event, Infallible>> =
        futures::stream::once(futures::future::ready(Ok(verdict_event(&first))))
            .chain(updates)
            .boxed();
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

#[cfg(test)]
pub(crate) mod tests;
