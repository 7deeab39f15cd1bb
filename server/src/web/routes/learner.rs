//! The learner's API.
//!
//! * `POST /api/session/start|resume|join|logout`
//! * `GET /api/me`, `GET /api/me/kubeconfig`, `POST /api/me/reset`, `GET /api/me/attempts`,
//!   `GET /api/me/summary`, `PUT /api/me/gated` (a self-paced learner's gated progress)

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use kubelab_store::Attempt;
use kubelab_wire::{GatedBody, JoinBody, Me, ResumeBody, StartBody, Summary};
use serde::Deserialize;
use tower_sessions::Session;

use super::attachment;
use crate::service::Lab;
use crate::web::error::WebError;
use crate::web::extract::{AppJson, ClientAddr, CurrentLearner, MaybeLearner};
use crate::web::session;
use crate::web::state::AppState;

/// Bodies of account requests are small forms.
pub const MAX_BODY: usize = 16 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/session/start", post(start))
        .route("/api/session/resume", post(resume))
        .route("/api/session/join", post(join))
        .route("/api/session/logout", post(logout))
        .route("/api/me", get(me))
        .route("/api/me/kubeconfig", get(kubeconfig))
        .route("/api/me/reset", post(reset))
        .route("/api/me/attempts", get(my_attempts))
        .route("/api/me/summary", get(summary))
        .route("/api/me/gated", put(set_gated))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

async fn start(
    State(state): State<AppState>,
    client: ClientAddr,
    MaybeLearner(current): MaybeLearner,
    session: Session,
    AppJson(body): AppJson<StartBody>,
) -> Result<Json<Me>, WebError> {
    let lab = &state.lab;
    if let Some(learner) = current {
        return Ok(Json(lab.me(&learner).await?));
    }
    let name = Lab::start_name(body.display_name.as_deref())?;
    let learner = lab.start_learner(name.as_deref(), &client.key()).await?;
    session::sign_in_learner(&session, &learner).await?;
    Ok(Json(lab.me(&learner).await?))
}

async fn resume(
    State(state): State<AppState>,
    client: ClientAddr,
    session: Session,
    AppJson(body): AppJson<ResumeBody>,
) -> Result<Json<Me>, WebError> {
    let learner = state.lab.resume(&body.code, client.key()).await?;
    session::sign_in_learner(&session, &learner).await?;
    Ok(Json(state.lab.me(&learner).await?))
}

async fn join(
    State(state): State<AppState>,
    client: ClientAddr,
    MaybeLearner(current): MaybeLearner,
    session: Session,
    AppJson(body): AppJson<JoinBody>,
) -> Result<Json<Me>, WebError> {
    let same = current.clone();
    let learner = state
        .lab
        .join(&body.code, &body.name, client.key(), current)
        .await?;
    if same.as_ref().map(|l| &l.id) != Some(&learner.id) {
        session::sign_in_learner(&session, &learner).await?;
    }
    Ok(Json(state.lab.me(&learner).await?))
}

async fn logout(
    State(state): State<AppState>,
    MaybeLearner(learner): MaybeLearner,
    session: Session,
) -> Result<StatusCode, WebError> {
    session::sign_out_learner(&session).await?;
    // A shared classroom computer: the next person at it must not find the last one's shell.
    if let Some(l) = learner {
        state.lab.close_terminals(&l.id);
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn me(
    State(state): State<AppState>,
    CurrentLearner(learner): CurrentLearner,
) -> Result<Json<Me>, WebError> {
    Ok(Json(state.lab.me(&learner).await?))
}

async fn kubeconfig(
    State(state): State<AppState>,
    CurrentLearner(learner): CurrentLearner,
) -> Result<Response, WebError> {
    let (filename, yaml) = state.lab.kubeconfig(&learner).await?;
    Ok(attachment(
        "application/yaml; charset=utf-8",
        &filename,
        yaml,
    ))
}

async fn reset(
    State(state): State<AppState>,
    CurrentLearner(learner): CurrentLearner,
) -> Result<Json<Me>, WebError> {
    state.lab.reset(&learner).await?;
    Ok(Json(state.lab.me(&learner).await?))
}

/// 200 for anyone, `signed_in: false` for a visitor: every lesson page asks, and a refusal
/// would be noise in the browser console.
async fn summary(
    State(state): State<AppState>,
    MaybeLearner(learner): MaybeLearner,
) -> Result<Json<Summary>, WebError> {
    let chapters = state.chapters();
    Ok(Json(state.lab.summary(learner.as_ref(), &chapters).await?))
}

/// A self-paced learner turns gated progress on or off (409 in a classroom: the instructor
/// decides); the answer is the learner's page data, as for the other account actions.
async fn set_gated(
    State(state): State<AppState>,
    CurrentLearner(learner): CurrentLearner,
    AppJson(body): AppJson<GatedBody>,
) -> Result<Json<Me>, WebError> {
    state.lab.set_own_gating(&learner, body.gated).await?;
    Ok(Json(state.lab.me(&learner).await?))
}

#[derive(Debug, Deserialize)]
struct AttemptsQuery {
    exercise: Option<String>,
    limit: Option<u32>,
}

async fn my_attempts(
    State(state): State<AppState>,
    CurrentLearner(learner): CurrentLearner,
    Query(q): Query<AttemptsQuery>,
) -> Result<Json<Vec<Attempt>>, WebError> {
    Ok(Json(
        state
            .lab
            .attempts(&learner, q.exercise.as_deref(), q.limit)
            .await?,
    ))
}
