//! Learners: starting, joining a classroom, resuming on another device, their namespace
//! (provisioned on demand), kubeconfig download, reset, and the attempts every check records.
//!
//! * `POST /api/session/start|resume|join|logout`
//! * `GET /api/me`, `GET /api/me/kubeconfig`, `POST /api/me/reset`, `GET /api/me/attempts`
//!
//! Errors use the exercise API's shape: `{ "error": { "code", "message": { "zh", "en" } } }`.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kubelab_checks::{Text, Verdict};
use kubelab_store::{
    Attempt, AttemptSource, ExerciseProgress, Learner, NewAttempt, NewLearner, Store, StoreError,
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::http::AppState;
use crate::provision::{LearnerNs, ProvisionError, Provisioner};
use crate::session::{self, FailureLimiter};

/// Bodies of account requests are small forms.
pub const MAX_BODY: usize = 16 * 1024;

/// Which namespace a learner's cluster exercises live in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Namespaces {
    /// Each learner gets their own, `<prefix><short id>`, provisioned by kubelab.
    PerLearner { prefix: String },
    /// Everyone uses this one (a single learner on their own kind/minikube cluster).
    Shared(String),
}

/// Everything about learners and instructors the handlers share.
pub struct Accounts {
    pub store: Store,
    pub namespaces: Namespaces,
    /// Present when a cluster is connected and namespaces are per learner.
    pub provisioner: Option<Provisioner>,
    /// Namespaces this process has provisioned (provisioning is idempotent; this saves the calls).
    ensured: Mutex<HashSet<String>>,
    /// Failed sign-ins and joins, per client address, email and join code.
    pub limiter: FailureLimiter,
    /// A classroom id each time one of its learners' progress changes (dashboards listen).
    pub events: tokio::sync::broadcast::Sender<String>,
    /// How long a downloaded kubeconfig's token stays valid.
    pub kubeconfig_ttl: Duration,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts")
            .field("namespaces", &self.namespaces)
            .field("provisioning", &self.provisioner.is_some())
            .finish()
    }
}

impl Accounts {
    pub fn new(store: Store, namespaces: Namespaces, provisioner: Option<Provisioner>) -> Self {
        let provisioner = match namespaces {
            Namespaces::PerLearner { .. } => provisioner,
            Namespaces::Shared(_) => None,
        };
        Accounts {
            store,
            namespaces,
            provisioner,
            ensured: Mutex::new(HashSet::new()),
            limiter: FailureLimiter::new(10, Duration::from_secs(300)),
            events: tokio::sync::broadcast::channel(1024).0,
            kubeconfig_ttl: Duration::from_secs(12 * 3600),
        }
    }

    /// Refuses (429) while any of `keys` has used up its failed tries.
    pub fn refuse_if_limited(&self, keys: &[String]) -> Result<(), AccountError> {
        if self.limiter.is_limited(keys) {
            return Err(AccountError::RateLimited);
        }
        Ok(())
    }

    /// The namespace the learner's cluster checks read.
    pub fn namespace_of(&self, learner: &Learner) -> String {
        match &self.namespaces {
            Namespaces::PerLearner { .. } => learner.namespace.clone(),
            Namespaces::Shared(ns) => ns.clone(),
        }
    }

    fn namespace_prefix(&self) -> &str {
        match &self.namespaces {
            Namespaces::PerLearner { prefix } => prefix,
            Namespaces::Shared(_) => "kl-",
        }
    }

    fn is_ensured(&self, ns: &str) -> bool {
        self.ensured
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(ns)
    }

    fn mark_ensured(&self, ns: &str, yes: bool) {
        let mut set = self.ensured.lock().unwrap_or_else(|p| p.into_inner());
        if yes {
            set.insert(ns.to_string());
        } else {
            set.remove(ns);
        }
    }

    /// Makes sure the learner's namespace exists (on demand: the first check, `/api/me`, a
    /// kubeconfig download). Returns the namespace.
    pub async fn ensure_namespace(&self, learner: &Learner) -> Result<String, AccountError> {
        let ns = self.namespace_of(learner);
        if let Some(p) = &self.provisioner {
            if !self.is_ensured(&ns) {
                p.ensure(&learner_ns(learner, &ns)).await?;
                self.mark_ensured(&ns, true);
            }
        }
        Ok(ns)
    }

    /// Stores an attempt and tells the learner's classroom board.
    pub async fn record(
        &self,
        learner: &Learner,
        exercise_id: &str,
        source: AttemptSource,
        verdict: &Verdict,
        evidence: &[serde_json::Value],
        input: Option<&str>,
    ) -> Result<Attempt, AccountError> {
        let attempt = self
            .store
            .record_attempt(NewAttempt {
                learner_id: &learner.id,
                exercise_id,
                source,
                verdict,
                evidence,
                input,
            })
            .await?;
        if let Some(classroom) = &learner.classroom_id {
            // Nobody listening is fine.
            let _ = self.events.send(classroom.clone());
        }
        Ok(attempt)
    }

    /// The session's learner, or a new self-paced one: the first attempt needs somebody to belong to.
    pub async fn learner_or_start(&self, session: &Session) -> Result<Learner, AccountError> {
        if let Some(l) = session::learner(&self.store, session).await? {
            return Ok(l);
        }
        let learner = self
            .store
            .create_learner(NewLearner {
                display_name: None,
                classroom_id: None,
                namespace_prefix: self.namespace_prefix(),
            })
            .await?;
        session::sign_in_learner(session, &learner).await?;
        tracing::info!(learner = %learner.id, "self-paced learner started");
        Ok(learner)
    }
}

fn learner_ns<'a>(learner: &'a Learner, ns: &'a str) -> LearnerNs<'a> {
    LearnerNs {
        namespace: ns,
        learner_id: &learner.id,
        classroom_id: learner.classroom_id.as_deref(),
    }
}

/// Why an account request was refused. Each maps to one status and code.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("instructors only")]
    NotInstructor,
    #[error("too many failed tries")]
    RateLimited,
    #[error("wrong join code or name")]
    JoinFailed,
    #[error("the classroom is archived")]
    ClassroomArchived,
    #[error("wrong email or password")]
    LoginFailed,
    #[error("unknown resume code")]
    UnknownResumeCode,
    #[error("not found")]
    NotFound,
    #[error("bad input: {}", .0.en)]
    BadInput(Text),
    #[error("cross-site request refused")]
    CrossSite,
    #[error("no cluster: {0}")]
    NoCluster(#[from] crate::cluster::Error),
    #[error("namespaces are shared, not provisioned by kubelab")]
    NotProvisioned,
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("session: {0}")]
    Session(String),
    #[error("{0}")]
    Provision(#[from] ProvisionError),
}

impl From<JsonRejection> for AccountError {
    fn from(r: JsonRejection) -> Self {
        AccountError::BadInput(Text::new(
            format!("请求内容不是预期的 JSON：{}", r.body_text()),
            format!("The request is not the JSON expected: {}", r.body_text()),
        ))
    }
}

impl AccountError {
    pub fn parts(&self) -> (StatusCode, &'static str, Text) {
        use AccountError as E;
        match self {
            E::NotSignedIn => (
                StatusCode::UNAUTHORIZED,
                "not-signed-in",
                Text::new(
                    "还没有登录：先开始学习、加入班级或输入续学码。",
                    "Not signed in: start on your own, join a classroom or enter a resume code.",
                ),
            ),
            E::NotInstructor => (
                StatusCode::UNAUTHORIZED,
                "not-instructor",
                Text::new("需要教师登录。", "Sign in as an instructor first."),
            ),
            E::RateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                Text::new(
                    "失败次数太多，请几分钟后再试。",
                    "Too many failed tries: wait a few minutes and try again.",
                ),
            ),
            E::JoinFailed => (
                StatusCode::BAD_REQUEST,
                "join-failed",
                Text::new(
                    "加入码或名字不对：核对老师给出的加入码，名字用 1–60 个字符。",
                    "The join code or the name is not right: check the code your instructor shows, and use 1–60 characters for your name.",
                ),
            ),
            E::ClassroomArchived => (
                StatusCode::GONE,
                "classroom-archived",
                Text::new(
                    "这个班级已经归档，不能再加入。",
                    "This classroom is archived; it cannot be joined any more.",
                ),
            ),
            E::LoginFailed => (
                StatusCode::UNAUTHORIZED,
                "login-failed",
                Text::new("邮箱或密码不对。", "The email or the password is wrong."),
            ),
            E::UnknownResumeCode => (
                StatusCode::NOT_FOUND,
                "unknown-resume-code",
                Text::new(
                    "没有这个续学码：核对一下（形如 K7QF-2M9P）。",
                    "No learner has this resume code: check it (it looks like K7QF-2M9P).",
                ),
            ),
            E::NotFound => (
                StatusCode::NOT_FOUND,
                "not-found",
                Text::new("找不到。", "Not found."),
            ),
            E::BadInput(text) => (StatusCode::BAD_REQUEST, "bad-request", text.clone()),
            E::CrossSite => (
                StatusCode::FORBIDDEN,
                "cross-site",
                Text::new(
                    "拒绝了来自其他网站的请求。",
                    "A request from another site was refused.",
                ),
            ),
            E::NoCluster(e) => {
                let status = if e.is_unavailable() {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::BAD_GATEWAY
                };
                (status, e.code(), e.text())
            }
            E::NotProvisioned => (
                StatusCode::CONFLICT,
                "not-provisioned",
                Text::new(
                    "这个 kubelab 让所有人共用一个命名空间：请用你自己的 kubeconfig。",
                    "This kubelab shares one namespace: use your own kubeconfig.",
                ),
            ),
            E::Store(e) => {
                let status = if e.is_unavailable() {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                };
                (status, "store", e.text())
            }
            E::Session(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "session",
                Text::new(
                    "会话暂时不可用，请稍后重试。",
                    "Sessions are unavailable right now; try again shortly.",
                ),
            ),
            E::Provision(e) => {
                let status = if e.is_unavailable() {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::BAD_GATEWAY
                };
                (status, e.code(), e.text())
            }
        }
    }
}

impl IntoResponse for AccountError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        if status.is_server_error() {
            tracing::warn!(code, "account request failed: {self}");
        }
        crate::api::error_response(status, code, message)
    }
}

/// A download: never cached (it carries a token or learners' data).
pub fn attachment(content_type: &str, filename: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// A display name: trimmed, 1–60 characters, no control characters.
pub fn clean_name(name: &str) -> Option<String> {
    let name = name.trim();
    let len = name.chars().count();
    ((1..=60).contains(&len) && !name.chars().any(char::is_control)).then(|| name.to_string())
}

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
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

#[derive(Debug, Serialize)]
pub struct Me {
    learner: MeLearner,
    cluster: ClusterStatus,
    progress: Vec<ExerciseProgress>,
}

#[derive(Debug, Serialize)]
struct MeLearner {
    id: String,
    display_name: Option<String>,
    namespace: String,
    resume_code: String,
    created_at: i64,
    classroom: Option<ClassroomRef>,
}

#[derive(Debug, Serialize)]
struct ClassroomRef {
    id: String,
    name: String,
}

#[derive(Debug, Serialize)]
struct ClusterStatus {
    connected: bool,
    namespace_ready: bool,
    message: Option<Text>,
}

/// The learner's page data. Provisions the namespace if it is not there yet; a cluster that
/// is down is reported in `cluster`, not as an error: the rest of the page still works.
async fn me_of(state: &AppState, learner: &Learner) -> Result<Me, AccountError> {
    let accounts = &state.accounts;
    let classroom = match &learner.classroom_id {
        Some(id) => accounts.store.classroom(id).await?.map(|c| ClassroomRef {
            id: c.id,
            name: c.name,
        }),
        None => None,
    };
    let cluster = match &state.cluster {
        Err(e) => ClusterStatus {
            connected: false,
            namespace_ready: false,
            message: Some(e.text()),
        },
        Ok(_) => match accounts.ensure_namespace(learner).await {
            Ok(_) => ClusterStatus {
                connected: true,
                namespace_ready: true,
                message: None,
            },
            Err(e) => ClusterStatus {
                connected: true,
                namespace_ready: false,
                message: Some(e.parts().2),
            },
        },
    };
    Ok(Me {
        learner: MeLearner {
            id: learner.id.clone(),
            display_name: learner.display_name.clone(),
            namespace: accounts.namespace_of(learner),
            resume_code: learner.resume_code.clone(),
            created_at: learner.created_at,
            classroom,
        },
        cluster,
        progress: accounts.store.progress(&learner.id).await?,
    })
}

#[derive(Debug, Deserialize)]
struct StartBody {
    #[serde(default)]
    display_name: Option<String>,
}

async fn start(
    State(state): State<AppState>,
    session: Session,
    body: Result<Json<StartBody>, JsonRejection>,
) -> Result<Json<Me>, AccountError> {
    let Json(body) = body?;
    let accounts = &state.accounts;
    if let Some(learner) = session::learner(&accounts.store, &session).await? {
        return Ok(Json(me_of(&state, &learner).await?));
    }
    let name = match body.display_name.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => Some(clean_name(n).ok_or_else(|| {
            AccountError::BadInput(Text::new(
                "名字用 1–60 个字符。",
                "Use 1–60 characters for your name.",
            ))
        })?),
    };
    let learner = accounts
        .store
        .create_learner(NewLearner {
            display_name: name.as_deref(),
            classroom_id: None,
            namespace_prefix: accounts.namespace_prefix(),
        })
        .await?;
    session::sign_in_learner(&session, &learner).await?;
    tracing::info!(learner = %learner.id, "self-paced learner started");
    Ok(Json(me_of(&state, &learner).await?))
}

#[derive(Debug, Deserialize)]
struct ResumeBody {
    code: String,
}

async fn resume(
    State(state): State<AppState>,
    client: session::ClientAddr,
    session: Session,
    body: Result<Json<ResumeBody>, JsonRejection>,
) -> Result<Json<Me>, AccountError> {
    let Json(body) = body?;
    let accounts = &state.accounts;
    let keys = [client.key()];
    accounts.refuse_if_limited(&keys)?;
    let Some(learner) = accounts.store.learner_by_resume_code(&body.code).await? else {
        accounts.limiter.record_failure(&keys);
        return Err(AccountError::UnknownResumeCode);
    };
    session::sign_in_learner(&session, &learner).await?;
    Ok(Json(me_of(&state, &learner).await?))
}

#[derive(Debug, Deserialize)]
struct JoinBody {
    code: String,
    name: String,
}

async fn join(
    State(state): State<AppState>,
    client: session::ClientAddr,
    session: Session,
    body: Result<Json<JoinBody>, JsonRejection>,
) -> Result<Json<Me>, AccountError> {
    let Json(body) = body?;
    let accounts = &state.accounts;
    let code_key: String = body
        .code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let keys = [client.key(), format!("join:{code_key}")];
    accounts.refuse_if_limited(&keys)?;
    let Some(classroom) = accounts.store.classroom_by_code(&body.code).await? else {
        accounts.limiter.record_failure(&keys);
        return Err(AccountError::JoinFailed);
    };
    let Some(name) = clean_name(&body.name) else {
        return Err(AccountError::JoinFailed);
    };
    if classroom.archived_at.is_some() {
        return Err(AccountError::ClassroomArchived);
    }
    // Joining twice from the same browser keeps the learner (and their namespace).
    if let Some(learner) = session::learner(&accounts.store, &session).await? {
        if learner.classroom_id.as_deref() == Some(classroom.id.as_str()) {
            return Ok(Json(me_of(&state, &learner).await?));
        }
    }
    let learner = accounts
        .store
        .create_learner(NewLearner {
            display_name: Some(&name),
            classroom_id: Some(&classroom.id),
            namespace_prefix: accounts.namespace_prefix(),
        })
        .await?;
    session::sign_in_learner(&session, &learner).await?;
    tracing::info!(learner = %learner.id, classroom = %classroom.id, "learner joined");
    let _ = accounts.events.send(classroom.id.clone());
    Ok(Json(me_of(&state, &learner).await?))
}

async fn logout(session: Session) -> Result<StatusCode, AccountError> {
    session::sign_out_learner(&session).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn signed_in(state: &AppState, session: &Session) -> Result<Learner, AccountError> {
    session::learner(&state.accounts.store, session)
        .await?
        .ok_or(AccountError::NotSignedIn)
}

async fn me(State(state): State<AppState>, session: Session) -> Result<Json<Me>, AccountError> {
    let learner = signed_in(&state, &session).await?;
    Ok(Json(me_of(&state, &learner).await?))
}

async fn kubeconfig(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AccountError> {
    let learner = signed_in(&state, &session).await?;
    state.cluster.as_ref().map_err(|e| e.clone())?;
    let accounts = &state.accounts;
    let Some(p) = &accounts.provisioner else {
        return Err(AccountError::NotProvisioned);
    };
    let ns = accounts.ensure_namespace(&learner).await?;
    let yaml = p.kubeconfig(&ns, accounts.kubeconfig_ttl).await?;
    Ok(attachment(
        "application/yaml; charset=utf-8",
        &format!("kubelab-{ns}.yaml"),
        yaml,
    ))
}

async fn reset(State(state): State<AppState>, session: Session) -> Result<Json<Me>, AccountError> {
    let learner = signed_in(&state, &session).await?;
    state.cluster.as_ref().map_err(|e| e.clone())?;
    let accounts = &state.accounts;
    let Some(p) = &accounts.provisioner else {
        return Err(AccountError::NotProvisioned);
    };
    let ns = accounts.namespace_of(&learner);
    accounts.mark_ensured(&ns, false);
    p.reset(&learner_ns(&learner, &ns)).await?;
    accounts.mark_ensured(&ns, true);
    tracing::info!(learner = %learner.id, namespace = %ns, "namespace reset");
    Ok(Json(me_of(&state, &learner).await?))
}

/// What lesson pages show of a learner: progress per exercise and the last verdict of each.
/// Anonymous visitors get `signed_in: false` and nothing else — a 200, not a 401, because every
/// lesson page asks and a refusal would be noise in the browser console.
#[derive(Debug, Serialize)]
struct Summary {
    signed_in: bool,
    progress: Vec<ExerciseProgress>,
    last: std::collections::BTreeMap<String, LastVerdict>,
}

#[derive(Debug, Serialize)]
struct LastVerdict {
    at: i64,
    verdict: Verdict,
}

async fn summary(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Summary>, AccountError> {
    let store = &state.accounts.store;
    let Some(learner) = session::learner(store, &session).await? else {
        return Ok(Json(Summary {
            signed_in: false,
            progress: Vec::new(),
            last: Default::default(),
        }));
    };
    let progress = store.progress(&learner.id).await?;
    let mut last = std::collections::BTreeMap::new();
    for p in &progress {
        if let Some(a) = store
            .attempts(&learner.id, Some(&p.exercise_id), 1)
            .await?
            .into_iter()
            .next()
        {
            // A re-grading is the verdict that counts now.
            let verdict = a.regraded.unwrap_or(a.verdict);
            last.insert(p.exercise_id.clone(), LastVerdict { at: a.at, verdict });
        }
    }
    Ok(Json(Summary {
        signed_in: true,
        progress,
        last,
    }))
}

#[derive(Debug, Deserialize)]
struct AttemptsQuery {
    exercise: Option<String>,
    limit: Option<u32>,
}

async fn my_attempts(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<AttemptsQuery>,
) -> Result<Json<Vec<Attempt>>, AccountError> {
    let learner = signed_in(&state, &session).await?;
    let limit = q.limit.unwrap_or(20).clamp(1, 200);
    Ok(Json(
        state
            .accounts
            .store
            .attempts(&learner.id, q.exercise.as_deref(), limit)
            .await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(clean_name("  Ada  ").as_deref(), Some("Ada"));
        assert_eq!(clean_name("李雷").as_deref(), Some("李雷"));
        assert_eq!(clean_name("   "), None);
        assert_eq!(clean_name(&"x".repeat(61)), None);
        assert!(clean_name(&"好".repeat(60)).is_some());
        assert_eq!(clean_name("a\u{0}b"), None);
        assert_eq!(clean_name("a\nb"), None);
    }
}
