//! The HTTP edge's one error, and the one place an error becomes a status and a body
//! `{ "error": { "code", "message": { "zh", "en" } } }` (`kubelab_wire::ErrorBody`). Server
//! errors are logged here, once.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kubelab_checks::{InputError, Text};
use kubelab_wire::ErrorBody;

use crate::cluster::Error as ClusterError;
use crate::service::ServiceError;

/// An error that knows what to tell a client: a stable code, an HTTP status and a message in
/// both languages.
pub trait Coded {
    fn code(&self) -> &'static str;
    fn status(&self) -> StatusCode;
    fn text(&self) -> Text;
    /// For 429 and some 503s: how long to wait, sent as `Retry-After`.
    fn retry_after(&self) -> Option<std::time::Duration> {
        None
    }
}

/// Everything a route can answer instead of what was asked for.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    Service(#[from] ServiceError),
    #[error("not signed in")]
    NotSignedIn,
    #[error("instructors only")]
    NotInstructor,
    #[error("cross-site request refused")]
    CrossSite,
    #[error("a request for another host")]
    MisdirectedHost,
    #[error("session: {0}")]
    Session(String),
    #[error("the request body is over its limit of {0} bytes")]
    TooLarge(usize),
    #[error("the request took longer than {0:?}")]
    Timeout(std::time::Duration),
    #[error("cannot read the request body: {0}")]
    Body(String),
    #[error("the request is not the JSON expected: {0}")]
    Json(String),
}

impl From<ClusterError> for WebError {
    fn from(e: ClusterError) -> Self {
        WebError::Service(e.into())
    }
}

impl From<kubelab_store::StoreError> for WebError {
    fn from(e: kubelab_store::StoreError) -> Self {
        WebError::Service(e.into())
    }
}

impl From<InputError> for WebError {
    fn from(e: InputError) -> Self {
        WebError::Service(e.into())
    }
}

impl From<crate::cluster::provision::ProvisionError> for WebError {
    fn from(e: crate::cluster::provision::ProvisionError) -> Self {
        WebError::Service(e.into())
    }
}

impl Coded for ServiceError {
    fn code(&self) -> &'static str {
        ServiceError::code(self)
    }

    fn status(&self) -> StatusCode {
        use ServiceError as E;
        match self {
            E::UnknownExercise(_) | E::UnknownResumeCode | E::NotFound | E::NoRules(_) => {
                StatusCode::NOT_FOUND
            }
            E::TerminalClosed => StatusCode::GONE,
            E::NotCluster(_)
            | E::TerminalOff
            | E::NotProvisioned
            | E::NothingToStart(_)
            | E::Locked { .. }
            | E::GatedByClassroom => StatusCode::CONFLICT,
            E::Input(InputError::TooLarge { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
            E::Input(InputError::NotOffline { .. }) => StatusCode::CONFLICT,
            E::Input(_) => StatusCode::UNPROCESSABLE_ENTITY,
            // kubelab made up a namespace name the API would refuse: our bug, not the cluster's.
            E::Cluster(ClusterError::BadNamespace { .. }) => StatusCode::INTERNAL_SERVER_ERROR,
            // The API server refused an object of an exercise's setup (quota, admission, an
            // object of the same name the learner made): the namespace's state, not an outage.
            E::Cluster(ClusterError::Refused { .. }) => StatusCode::CONFLICT,
            E::Cluster(_) | E::Provision(_) if self.is_unavailable() => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            E::Cluster(_) | E::Provision(_) => StatusCode::BAD_GATEWAY,
            E::Store(_) if self.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            E::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
            E::RateLimited(_)
            | E::TooManyNewLearners(_)
            | E::TooManyAttempts(_)
            | E::TooManyStreams { .. }
            | E::TooManyTerminals { .. } => StatusCode::TOO_MANY_REQUESTS,
            E::Full | E::Busy => StatusCode::SERVICE_UNAVAILABLE,
            E::JoinFailed | E::BadInput(_) => StatusCode::BAD_REQUEST,
            E::ClassroomArchived | E::LearnerArchived => StatusCode::GONE,
            E::LoginFailed => StatusCode::UNAUTHORIZED,
        }
    }

    fn text(&self) -> Text {
        ServiceError::text(self)
    }

    fn retry_after(&self) -> Option<std::time::Duration> {
        ServiceError::retry_after(self)
    }
}

impl Coded for WebError {
    fn code(&self) -> &'static str {
        match self {
            WebError::Service(e) => e.code(),
            WebError::NotSignedIn => "not-signed-in",
            WebError::NotInstructor => "not-instructor",
            WebError::CrossSite => "cross-site",
            WebError::MisdirectedHost => "wrong-host",
            WebError::Session(_) => "session",
            WebError::TooLarge(_) => "too-large",
            WebError::Timeout(_) => "timeout",
            WebError::Body(_) | WebError::Json(_) => "bad-request",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            WebError::Service(e) => Coded::status(e),
            WebError::NotSignedIn | WebError::NotInstructor => StatusCode::UNAUTHORIZED,
            WebError::CrossSite => StatusCode::FORBIDDEN,
            WebError::MisdirectedHost => StatusCode::MISDIRECTED_REQUEST,
            WebError::Session(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Body(_) | WebError::Json(_) => StatusCode::BAD_REQUEST,
        }
    }

    fn text(&self) -> Text {
        match self {
            WebError::Service(e) => Coded::text(e),
            WebError::NotSignedIn => Text::new(
                "还没有登录：先开始学习、加入班级或输入续学码。",
                "Not signed in: start on your own, join a classroom or enter a resume code.",
            ),
            WebError::NotInstructor => {
                Text::new("需要教师登录。", "Sign in as an instructor first.")
            }
            WebError::CrossSite => Text::new(
                "拒绝了来自其他网站的请求。",
                "A request from another site was refused.",
            ),
            WebError::MisdirectedHost => Text::new(
                "这个地址不是本 kubelab 的地址（管理员可用 --allowed-host 添加）。",
                "This kubelab does not answer to that host name (an operator can add it with --allowed-host).",
            ),
            WebError::Session(_) => Text::new(
                "会话暂时不可用，请稍后重试。",
                "Sessions are unavailable right now; try again shortly.",
            ),
            WebError::TooLarge(limit) => Text::new(
                format!("请求内容超过 {} KiB，已拒绝。", limit / 1024),
                format!("The request body is over {} KiB; refused.", limit / 1024),
            ),
            WebError::Timeout(after) => Text::new(
                format!("服务器在 {} 秒内没有完成这个请求，请稍后再试。", after.as_secs().max(1)),
                format!(
                    "The server did not finish this request within {} s; try again shortly.",
                    after.as_secs().max(1)
                ),
            ),
            WebError::Body(message) => Text::new(
                format!("无法读取请求内容：{message}"),
                format!("Cannot read the request body: {message}"),
            ),
            WebError::Json(message) => Text::new(
                format!("请求内容不是预期的 JSON：{message}"),
                format!("The request is not the JSON expected: {message}"),
            ),
        }
    }

    fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            WebError::Service(e) => Coded::retry_after(e),
            WebError::Timeout(_) => Some(std::time::Duration::from_secs(5)),
            _ => None,
        }
    }
}

/// The body of an error, for an error response or a stream's `error` event.
pub fn body_of(e: &impl Coded) -> ErrorBody {
    ErrorBody::new(e.code(), e.text())
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = Coded::status(&self);
        if status.is_server_error() {
            tracing::warn!(code = Coded::code(&self), "request failed: {self}");
        }
        let mut resp = (status, Json(body_of(&self))).into_response();
        if let Some(wait) = Coded::retry_after(&self) {
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(wait.as_secs().max(1)),
            );
        }
        resp
    }
}

impl From<tower_sessions::session::Error> for WebError {
    fn from(e: tower_sessions::session::Error) -> Self {
        WebError::Session(e.to_string())
    }
}
