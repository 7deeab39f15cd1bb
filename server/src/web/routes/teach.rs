//! The instructor's API. Every route but login needs an instructor session (401 otherwise);
//! another instructor's classroom answers 404, as if it did not exist (`OwnedClassroom`).

use std::convert::Infallible;

use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::Event;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use futures::StreamExt;
use kubelab_store::{Attempt, Instructor};
use kubelab_wire::{
    Board, ClassroomView, GatedBody, GradeSummary, InstructorRef, InstructorView, LoginBody,
    NewClassroomBody, RecordingBody, RegradeSummary, TerminalCommand,
};
use serde::Deserialize;
use tower_sessions::Session;

use super::attachment;
use super::learner::MAX_BODY;
use crate::web::error::{body_of, WebError};
use crate::web::extract::{AppJson, ClientAddr, CurrentInstructor, OwnedClassroom};
use crate::web::session;
use crate::web::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/teach/login", post(login))
        .route("/api/teach/logout", post(logout))
        .route("/api/teach/me", get(me))
        .route(
            "/api/teach/classrooms",
            get(classrooms).post(create_classroom),
        )
        .route("/api/teach/classrooms/{id}", get(board))
        .route("/api/teach/classrooms/{id}/archive", post(archive))
        .route("/api/teach/classrooms/{id}/gated", put(set_gated))
        .route("/api/teach/classrooms/{id}/events", get(board_events))
        .route(
            "/api/teach/classrooms/{id}/learners/{learner}/attempts",
            get(learner_attempts),
        )
        .route(
            "/api/teach/classrooms/{id}/learners/{learner}/commands",
            get(learner_commands),
        )
        .route("/api/teach/classrooms/{id}/recording", put(set_recording))
        .route("/api/teach/classrooms/{id}/grade", post(grade_all))
        .route("/api/teach/classrooms/{id}/regrade", post(regrade))
        .route("/api/teach/classrooms/{id}/export.csv", get(export_csv))
        .route(
            "/api/teach/classrooms/{id}/analytics.csv",
            get(export_analytics_csv),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

fn view(i: Instructor) -> InstructorView {
    InstructorView {
        instructor: InstructorRef {
            id: i.id,
            email: i.email,
        },
    }
}

async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    session: Session,
    AppJson(body): AppJson<LoginBody>,
) -> Result<Json<InstructorView>, WebError> {
    let instructor = state
        .lab
        .login(&body.email, &body.password, client.key())
        .await?;
    session::sign_in_instructor(&session, &instructor).await?;
    Ok(Json(view(instructor)))
}

async fn logout(session: Session) -> Result<StatusCode, WebError> {
    session::sign_out_instructor(&session).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(CurrentInstructor(i): CurrentInstructor) -> Json<InstructorView> {
    Json(view(i))
}

async fn classrooms(
    State(state): State<AppState>,
    CurrentInstructor(i): CurrentInstructor,
) -> Result<Json<Vec<ClassroomView>>, WebError> {
    Ok(Json(state.lab.classrooms(&i).await?))
}

async fn create_classroom(
    State(state): State<AppState>,
    CurrentInstructor(i): CurrentInstructor,
    AppJson(body): AppJson<NewClassroomBody>,
) -> Result<Json<ClassroomView>, WebError> {
    Ok(Json(state.lab.create_classroom(&i, &body.name).await?))
}

async fn archive(
    State(state): State<AppState>,
    OwnedClassroom(c): OwnedClassroom,
) -> Result<Json<ClassroomView>, WebError> {
    Ok(Json(state.lab.archive(&c).await?))
}

/// Gated progress for the classroom's learners: a chapter's exercises open once the chapters
/// before it have passed.
async fn set_gated(
    State(state): State<AppState>,
    OwnedClassroom(c): OwnedClassroom,
    AppJson(body): AppJson<GatedBody>,
) -> Result<Json<ClassroomView>, WebError> {
    Ok(Json(state.lab.set_classroom_gating(&c, body.gated).await?))
}

async fn set_recording(
    State(state): State<AppState>,
    OwnedClassroom(c): OwnedClassroom,
    AppJson(body): AppJson<RecordingBody>,
) -> Result<Json<ClassroomView>, WebError> {
    Ok(Json(
        state
            .lab
            .set_classroom_recording(&c, body.record_commands)
            .await?,
    ))
}

async fn board(
    State(state): State<AppState>,
    OwnedClassroom(c): OwnedClassroom,
) -> Result<Json<Board>, WebError> {
    Ok(Json(state.lab.board(&c, &state.chapters()).await?))
}

/// The board as server-sent events: `board` now and whenever it changes, `error` with
/// `{code, message}` when it cannot be built (the stream goes on).
async fn board_events(
    State(state): State<AppState>,
    OwnedClassroom(c): OwnedClassroom,
) -> Result<Response, WebError> {
    let course = state.clone();
    let feed = state
        .lab
        .clone()
        .board_feed(c, move || course.chapters())
        .await?;
    let events = feed.take_until(state.shutting_down()).map(|board| {
        Ok::<_, Infallible>(match board {
            Ok(board) => Event::default()
                .event("board")
                .data(serde_json::to_string(&board).unwrap_or_default()),
            Err(e) => Event::default()
                .event("error")
                .json_data(body_of(&e).error)
                .unwrap_or_default(),
        })
    });
    Ok(super::event_stream(events))
}

async fn learner_attempts(
    State(state): State<AppState>,
    OwnedClassroom(c): OwnedClassroom,
    Path((_, learner_id)): Path<(String, String)>,
) -> Result<Json<Vec<Attempt>>, WebError> {
    Ok(Json(state.lab.learner_attempts(&c, &learner_id).await?))
}

async fn learner_commands(
    State(state): State<AppState>,
    OwnedClassroom(c): OwnedClassroom,
    Path((_, learner_id)): Path<(String, String)>,
) -> Result<Json<Vec<TerminalCommand>>, WebError> {
    Ok(Json(state.lab.learner_commands(&c, &learner_id).await?))
}

async fn grade_all(
    State(state): State<AppState>,
    OwnedClassroom(c): OwnedClassroom,
) -> Result<Json<GradeSummary>, WebError> {
    Ok(Json(state.lab.grade_classroom(&c).await?))
}

async fn regrade(
    State(state): State<AppState>,
    OwnedClassroom(c): OwnedClassroom,
) -> Result<Json<RegradeSummary>, WebError> {
    Ok(Json(state.lab.regrade_classroom(&c).await?))
}

async fn export_csv(
    State(state): State<AppState>,
    OwnedClassroom(c): OwnedClassroom,
) -> Result<Response, WebError> {
    let (filename, csv) = state.lab.export_csv(&c, &state.chapters()).await?;
    Ok(attachment("text/csv; charset=utf-8", &filename, csv))
}

/// `?idle=N`: "not acted for N minutes" (1..=1440, default 15).
#[derive(Debug, Deserialize)]
struct AnalyticsQuery {
    idle: Option<String>,
}

/// The class analytics as CSV (`service::board::analytics_csv` lists the rows).
async fn export_analytics_csv(
    State(state): State<AppState>,
    OwnedClassroom(c): OwnedClassroom,
    Query(q): Query<AnalyticsQuery>,
) -> Result<Response, WebError> {
    let (filename, csv) = state
        .lab
        .export_analytics_csv(&c, &state.chapters(), q.idle.as_deref())
        .await?;
    Ok(attachment("text/csv; charset=utf-8", &filename, csv))
}

#[cfg(test)]
mod tests;
