//! The service layer's one error. Each variant has a stable code and a zh/en message; the web
//! edge gives each its HTTP status (`web::error`), the command line its exit code.

use kubelab_checks::{InputError, Text};
use kubelab_store::StoreError;

use super::texts::{input_error_code, input_error_text, not_cluster_text, unknown_exercise};
use crate::cluster::provision::ProvisionError;

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// Why a service refused or failed. Each variant has a stable code and a zh/en message; the web
/// edge gives each its HTTP status (`web::error`), the command line its exit code.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("unknown exercise {0}")]
    UnknownExercise(String),
    #[error("exercise {0} is not checked in a cluster")]
    NotCluster(String),
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("{0}")]
    Cluster(#[from] crate::cluster::Error),
    #[error("{0}")]
    Provision(#[from] ProvisionError),
    #[error("{0}")]
    Store(#[from] StoreError),
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
    #[error("namespaces are shared, not provisioned by kubelab")]
    NotProvisioned,
    #[error("too many new learners from one address")]
    TooManyNewLearners,
    #[error("the learner limit is reached")]
    Full,
    #[error("too many submissions are being checked right now")]
    Busy,
}

impl ServiceError {
    /// A stable code for programs and tests.
    pub fn code(&self) -> &'static str {
        use ServiceError as E;
        match self {
            E::UnknownExercise(_) => "unknown-exercise",
            E::NotCluster(_) => "not-cluster",
            E::Input(e) => input_error_code(e),
            E::Cluster(e) => e.code(),
            E::Provision(e) => e.code(),
            E::Store(_) => "store",
            E::RateLimited => "rate-limited",
            E::JoinFailed => "join-failed",
            E::ClassroomArchived => "classroom-archived",
            E::LoginFailed => "login-failed",
            E::UnknownResumeCode => "unknown-resume-code",
            E::NotFound => "not-found",
            E::BadInput(_) => "bad-request",
            E::NotProvisioned => "not-provisioned",
            E::TooManyNewLearners => "too-many-new-learners",
            E::Full => "full",
            E::Busy => "busy",
        }
    }

    /// Whether the cause is that a dependency (cluster, store) is not there right now.
    pub fn is_unavailable(&self) -> bool {
        match self {
            ServiceError::Cluster(e) => e.is_unavailable(),
            ServiceError::Provision(e) => e.is_unavailable(),
            ServiceError::Store(e) => e.is_unavailable(),
            _ => false,
        }
    }

    /// The message for people, in both languages.
    pub fn text(&self) -> Text {
        use ServiceError as E;
        match self {
            E::UnknownExercise(id) => unknown_exercise(id),
            E::NotCluster(id) => not_cluster_text(id),
            E::Input(e) => input_error_text(e),
            E::Cluster(e) => e.text(),
            E::Provision(e) => e.text(),
            E::Store(e) => e.text(),
            E::RateLimited => Text::new(
                "失败次数太多，请几分钟后再试。",
                "Too many failed tries: wait a few minutes and try again.",
            ),
            E::JoinFailed => Text::new(
                "加入码或名字不对：核对老师给出的加入码，名字用 1–60 个字符。",
                "The join code or the name is not right: check the code your instructor shows, and use 1–60 characters for your name.",
            ),
            E::ClassroomArchived => Text::new(
                "这个班级已经归档，不能再加入。",
                "This classroom is archived; it cannot be joined any more.",
            ),
            E::LoginFailed => Text::new("邮箱或密码不对。", "The email or the password is wrong."),
            E::UnknownResumeCode => Text::new(
                "没有这个续学码：核对一下（形如 K7QF-2M9P）。",
                "No learner has this resume code: check it (it looks like K7QF-2M9P).",
            ),
            E::NotFound => Text::new("找不到。", "Not found."),
            E::BadInput(text) => text.clone(),
            E::NotProvisioned => Text::new(
                "这个 kubelab 让所有人共用一个命名空间：请用你自己的 kubeconfig。",
                "This kubelab shares one namespace: use your own kubeconfig.",
            ),
            E::TooManyNewLearners => Text::new(
                "从你的网络新建的学习者太多了：请稍后再试，或用续学码继续原来的进度。",
                "Too many new learners from your network: try again later, or continue with your resume code.",
            ),
            E::Full => Text::new(
                "这个 kubelab 的学习者已满，请联系管理员。",
                "This kubelab has as many learners as it may hold; ask its operator.",
            ),
            E::Busy => Text::new(
                "服务器正忙着检查别的提交：几秒后再提交一次，你的内容还在编辑框里。",
                "The server is busy checking other submissions: submit again in a few seconds; your text is still in the editor.",
            ),
        }
    }
}
