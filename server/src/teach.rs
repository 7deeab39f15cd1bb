//! Instructors: sign in, classrooms and join codes, the live board, attempt history with
//! evidence, grade-all, re-grading from stored evidence, and the CSV export.
//!
//! Every route but login needs an instructor session (401 otherwise); another instructor's
//! classroom answers 404, as if it did not exist.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::StreamExt;
use kubelab_checks::{Exercise, ExerciseKind, Snapshot, Text, Verdict};
use kubelab_store::{Attempt, AttemptSource, Classroom, Instructor};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::accounts::{AccountError, MAX_BODY};
use crate::board::{self, Board};
use crate::http::AppState;
use crate::session;

/// Boards refresh at least this often even without a local event, so a replica sees the
/// attempts other replicas stored.
const BOARD_REFRESH: Duration = Duration::from_secs(5);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/teach/login", post(login))
        .route("/api/teach/logout", post(logout))
        .route("/api/teach/me", get(me))
        .route(
            "/api/teach/classrooms",
            get(classrooms).post(create_classroom),
        )
        .route("/api/teach/classrooms/{id}", get(board_json))
        .route("/api/teach/classrooms/{id}/archive", post(archive))
        .route("/api/teach/classrooms/{id}/events", get(board_events))
        .route(
            "/api/teach/classrooms/{id}/learners/{learner}/attempts",
            get(learner_attempts),
        )
        .route("/api/teach/classrooms/{id}/grade", post(grade_all))
        .route("/api/teach/classrooms/{id}/regrade", post(regrade))
        .route("/api/teach/classrooms/{id}/export.csv", get(export_csv))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

#[derive(Debug, Serialize)]
struct InstructorView {
    instructor: InstructorRef,
}

#[derive(Debug, Serialize)]
struct InstructorRef {
    id: String,
    email: String,
}

impl From<Instructor> for InstructorView {
    fn from(i: Instructor) -> Self {
        InstructorView {
            instructor: InstructorRef {
                id: i.id,
                email: i.email,
            },
        }
    }
}

#[derive(Debug, Deserialize)]
struct LoginBody {
    email: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    client: session::ClientAddr,
    session: Session,
    body: Result<Json<LoginBody>, JsonRejection>,
) -> Result<Json<InstructorView>, AccountError> {
    let Json(body) = body?;
    let accounts = &state.accounts;
    let keys = [
        client.key(),
        format!("email:{}", body.email.trim().to_lowercase()),
    ];
    accounts.refuse_if_limited(&keys)?;
    let Some(instructor) = accounts
        .store
        .verify_instructor(&body.email, &body.password)
        .await?
    else {
        accounts.limiter.record_failure(&keys);
        tracing::warn!("instructor sign-in failed");
        return Err(AccountError::LoginFailed);
    };
    session::sign_in_instructor(&session, &instructor).await?;
    tracing::info!(instructor = %instructor.id, "instructor signed in");
    Ok(Json(instructor.into()))
}

async fn logout(session: Session) -> Result<StatusCode, AccountError> {
    session::sign_out_instructor(&session).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<InstructorView>, AccountError> {
    let i = session::require_instructor(&state.accounts.store, &session).await?;
    Ok(Json(i.into()))
}

#[derive(Debug, Serialize)]
struct ClassroomView {
    id: String,
    code: String,
    name: String,
    created_at: i64,
    archived_at: Option<i64>,
    learners: usize,
}

async fn view_of(state: &AppState, c: Classroom) -> Result<ClassroomView, AccountError> {
    let learners = state.accounts.store.learners_in(&c.id).await?.len();
    Ok(ClassroomView {
        id: c.id,
        code: c.code,
        name: c.name,
        created_at: c.created_at,
        archived_at: c.archived_at,
        learners,
    })
}

async fn classrooms(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<ClassroomView>>, AccountError> {
    let i = session::require_instructor(&state.accounts.store, &session).await?;
    let mut out = Vec::new();
    for c in state.accounts.store.classrooms_of(&i.id).await? {
        out.push(view_of(&state, c).await?);
    }
    Ok(Json(out))
}

#[derive(Debug, Deserialize)]
struct NewClassroomBody {
    name: String,
}

async fn create_classroom(
    State(state): State<AppState>,
    session: Session,
    body: Result<Json<NewClassroomBody>, JsonRejection>,
) -> Result<Json<ClassroomView>, AccountError> {
    let i = session::require_instructor(&state.accounts.store, &session).await?;
    let Json(body) = body?;
    let name = body.name.trim();
    let len = name.chars().count();
    if !(1..=80).contains(&len) || name.chars().any(char::is_control) {
        return Err(AccountError::BadInput(Text::new(
            "班级名称用 1–80 个字符。",
            "Use 1–80 characters for the classroom name.",
        )));
    }
    let c = state.accounts.store.create_classroom(&i.id, name).await?;
    tracing::info!(classroom = %c.id, "classroom created");
    Ok(Json(view_of(&state, c).await?))
}

/// The classroom if it is this instructor's; 404 otherwise (another's is not revealed).
async fn owned(state: &AppState, session: &Session, id: &str) -> Result<Classroom, AccountError> {
    let i = session::require_instructor(&state.accounts.store, session).await?;
    match state.accounts.store.classroom(id).await? {
        Some(c) if c.instructor_id == i.id => Ok(c),
        _ => Err(AccountError::NotFound),
    }
}

async fn archive(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<ClassroomView>, AccountError> {
    let c = owned(&state, &session, &id).await?;
    let accounts = &state.accounts;
    accounts.store.archive_classroom(&c.id).await?;
    if let Some(p) = &accounts.provisioner {
        for learner in accounts.store.learners_in(&c.id).await? {
            let ns = accounts.namespace_of(&learner);
            // One namespace failing to go must not keep the others.
            if let Err(e) = p.remove(&ns).await {
                tracing::warn!(namespace = %ns, error = %e, "could not remove a learner namespace");
            }
        }
    }
    let _ = accounts.events.send(c.id.clone());
    let c = accounts
        .store
        .classroom(&c.id)
        .await?
        .ok_or(AccountError::NotFound)?;
    Ok(Json(view_of(&state, c).await?))
}

async fn build_board(state: &AppState, c: &Classroom) -> Result<Board, AccountError> {
    let store = &state.accounts.store;
    let matrix = store.matrix(&c.id).await?;
    let stuck = store.stuck(&c.id).await?;
    Ok(board::build(&state.catalog, c, matrix, stuck, |l| {
        state.accounts.namespace_of(l)
    }))
}

async fn board_json(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<Board>, AccountError> {
    let c = owned(&state, &session, &id).await?;
    Ok(Json(build_board(&state, &c).await?))
}

/// The board now, then again whenever a learner of the classroom records an attempt (or every
/// few seconds, for attempts stored by other replicas); only boards that changed are sent.
async fn board_events(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, AccountError> {
    let c = owned(&state, &session, &id).await?;
    let first = build_board(&state, &c).await?;
    let events = state.accounts.events.subscribe();
    let last = serde_json::to_string(&first).unwrap_or_default();
    let initial = futures::stream::once(futures::future::ready(Ok::<_, Infallible>(
        Event::default().event("board").data(last.clone()),
    )));
    let updates = futures::stream::unfold(
        (state, c, events, last),
        |(state, c, mut events, mut last)| async move {
            loop {
                let changed = tokio::select! {
                    e = events.recv() => match e {
                        Ok(classroom) => classroom == c.id,
                        // Missed some: refresh to be safe.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => true,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = tokio::time::sleep(BOARD_REFRESH) => true,
                };
                if !changed {
                    continue;
                }
                match build_board(&state, &c).await {
                    Ok(board) => {
                        let json = serde_json::to_string(&board).unwrap_or_default();
                        if json != last {
                            last = json.clone();
                            let event = Event::default().event("board").data(json);
                            return Some((Ok(event), (state, c, events, last)));
                        }
                    }
                    Err(e) => {
                        let (_, code, message) = e.parts();
                        let data = serde_json::json!({ "code": code, "message": message });
                        let event = Event::default().event("error").data(data.to_string());
                        return Some((Ok(event), (state, c, events, last)));
                    }
                }
            }
        },
    );
    Ok(Sse::new(initial.chain(updates).boxed())
        .keep_alive(KeepAlive::default())
        .into_response())
}

async fn learner_attempts(
    State(state): State<AppState>,
    session: Session,
    Path((id, learner_id)): Path<(String, String)>,
) -> Result<Json<Vec<Attempt>>, AccountError> {
    let c = owned(&state, &session, &id).await?;
    let store = &state.accounts.store;
    match store.learner(&learner_id).await? {
        Some(l) if l.classroom_id.as_deref() == Some(c.id.as_str()) => {
            Ok(Json(store.attempts(&l.id, None, 200).await?))
        }
        _ => Err(AccountError::NotFound),
    }
}

#[derive(Debug, Serialize)]
struct GradeSummary {
    checked: usize,
    passed: usize,
}

/// Re-checks every learner × cluster exercise now and records the verdicts (source `grade`).
async fn grade_all(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<GradeSummary>, AccountError> {
    let c = owned(&state, &session, &id).await?;
    let accounts = &state.accounts;
    let cluster = state.cluster.as_ref().map_err(|e| e.clone())?;
    let learners = accounts.store.learners_in(&c.id).await?;
    let namespaces: Vec<String> = learners.iter().map(|l| accounts.namespace_of(l)).collect();
    crate::grade::sync(&state.catalog, cluster.cache()).await?;
    let rows = crate::grade::grade(&state.catalog, cluster.cache(), &namespaces).await?;
    let mut summary = GradeSummary {
        checked: 0,
        passed: 0,
    };
    for (learner, ns) in learners.iter().zip(&namespaces) {
        for row in rows.iter().filter(|r| &r.namespace == ns) {
            accounts
                .record(
                    learner,
                    &row.exercise,
                    AttemptSource::Grade,
                    &row.verdict,
                    &row.evidence,
                    None,
                )
                .await?;
            summary.checked += 1;
            summary.passed += usize::from(row.verdict.passed);
        }
    }
    tracing::info!(classroom = %c.id, checked = summary.checked, passed = summary.passed, "graded");
    Ok(Json(summary))
}

#[derive(Debug, Serialize)]
struct RegradeSummary {
    attempts: usize,
    changed: usize,
}

/// The verdict the current rules give for a stored attempt: cluster exercises are evaluated on
/// the stored evidence, offline ones on the stored input.
pub fn regrade_attempt(ex: &Exercise, attempt: &Attempt, namespace: &str) -> Option<Verdict> {
    match ex.kind {
        ExerciseKind::Cluster => Some(kubelab_checks::evaluate(
            ex,
            &Snapshot::new(namespace, attempt.evidence.clone()),
        )),
        _ => attempt
            .input
            .as_deref()
            .and_then(|input| kubelab_checks::validate(ex, input).ok()),
    }
}

async fn regrade(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<RegradeSummary>, AccountError> {
    let c = owned(&state, &session, &id).await?;
    let store = &state.accounts.store;
    let learners = store.learners_in(&c.id).await?;
    let mut summary = RegradeSummary {
        attempts: 0,
        changed: 0,
    };
    for attempt in store.attempts_in_classroom(&c.id).await? {
        let Some(ex) = state.catalog.get(&attempt.exercise_id) else {
            continue;
        };
        let ns = learners
            .iter()
            .find(|l| l.id == attempt.learner_id)
            .map(|l| state.accounts.namespace_of(l))
            .unwrap_or_default();
        let Some(verdict) = regrade_attempt(ex, &attempt, &ns) else {
            continue;
        };
        summary.attempts += 1;
        if verdict.passed != attempt.verdict.passed || verdict.results != attempt.verdict.results {
            summary.changed += 1;
        }
        store.record_regrade(attempt.id, &verdict).await?;
    }
    let _ = state.accounts.events.send(c.id.clone());
    Ok(Json(summary))
}

async fn export_csv(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, AccountError> {
    let c = owned(&state, &session, &id).await?;
    let board = build_board(&state, &c).await?;
    let safe_code: String = c.code.chars().filter(char::is_ascii_alphanumeric).collect();
    Ok(crate::accounts::attachment(
        "text/csv; charset=utf-8",
        &format!("kubelab-{safe_code}.csv"),
        board::csv(&board),
    ))
}
