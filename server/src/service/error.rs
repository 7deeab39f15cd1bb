//! The service layer's one error. Each variant has a stable code and a zh/en message; the web
//! edge gives each its HTTP status (`web::error`), the command line its exit code.

use kubelab_checks::{InputError, Text};
use kubelab_store::StoreError;

use super::texts::{self, input_error_code, not_cluster_text, unknown_exercise};
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
    #[error("exercise {0} has no setup to start")]
    NothingToStart(String),
    /// This kubelab gives no terminal (`--terminal off`, or `auto` with a shared namespace).
    #[error("the terminal is off")]
    TerminalOff,
    #[error("too many terminals")]
    TooManyTerminals { per_learner: u32 },
    /// An open terminal was closed for its learner: signed out, namespace reset, classroom
    /// archived. Sent on the socket before it closes; never an HTTP answer.
    #[error("the terminal was closed")]
    TerminalClosed,
    /// A quiz (its answers stay here) or a cluster-only exercise: nothing to pre-check.
    #[error("exercise {0} has no rules to pre-check in the browser")]
    NoRules(String),
    /// Gated progress: the exercise opens once every exercise of an earlier chapter passes.
    #[error("exercise {exercise} opens after chapter {}", .lock.chapter)]
    Locked {
        exercise: String,
        lock: kubelab_wire::Locked,
    },
    #[error("gated progress is the classroom's choice")]
    GatedByClassroom,
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("{0}")]
    Cluster(#[from] crate::cluster::Error),
    #[error("{0}")]
    Provision(#[from] ProvisionError),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("too many failed tries")]
    RateLimited(std::time::Duration),
    #[error("too many attempts")]
    TooManyAttempts(std::time::Duration),
    #[error("too many live streams")]
    TooManyStreams {
        /// The per-learner limit when that is the one reached; None for the total.
        per_learner: Option<u32>,
    },
    #[error("wrong join code or name")]
    JoinFailed,
    #[error("the classroom is archived")]
    ClassroomArchived,
    #[error("the learner's classroom is archived")]
    LearnerArchived,
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
    TooManyNewLearners(std::time::Duration),
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
            E::NothingToStart(_) => "nothing-to-start",
            E::NoRules(_) => "no-rules",
            E::TerminalOff => "terminal-off",
            E::TooManyTerminals { .. } => "too-many-terminals",
            E::TerminalClosed => "terminal-closed",
            E::Locked { .. } => "exercise-locked",
            E::GatedByClassroom => "gated-by-classroom",
            E::Input(e) => input_error_code(e),
            E::Cluster(e) => e.code(),
            E::Provision(e) => e.code(),
            E::Store(_) => "store",
            E::RateLimited(_) => "rate-limited",
            E::TooManyAttempts(_) => "too-many-attempts",
            E::TooManyStreams { .. } => "too-many-streams",
            E::LearnerArchived => "learner-archived",
            E::JoinFailed => "join-failed",
            E::ClassroomArchived => "classroom-archived",
            E::LoginFailed => "login-failed",
            E::UnknownResumeCode => "unknown-resume-code",
            E::NotFound => "not-found",
            E::BadInput(_) => "bad-request",
            E::NotProvisioned => "not-provisioned",
            E::TooManyNewLearners(_) => "too-many-new-learners",
            E::Full => "full",
            E::Busy => "busy",
        }
    }

    /// How long a client should wait before trying again (`Retry-After`), for rate limits.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            ServiceError::RateLimited(wait)
            | ServiceError::TooManyAttempts(wait)
            | ServiceError::TooManyNewLearners(wait) => Some(*wait),
            ServiceError::TooManyStreams { .. } | ServiceError::TooManyTerminals { .. } => {
                Some(std::time::Duration::from_secs(30))
            }
            ServiceError::Busy => Some(std::time::Duration::from_secs(5)),
            _ => None,
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
            E::NothingToStart(id) => Text::new(
                format!("练习 {id} 不需要“开始”：它没有预先创建的对象，直接按说明动手就行。"),
                format!("Exercise {id} has nothing to start: it creates no objects for you; follow its instructions."),
            ),
            E::TerminalOff => Text::new(
                "这个 kubelab 没有开放网页终端：请用你自己的 kubectl 和下载的 kubeconfig。",
                "This kubelab has no terminal in the page: use your own kubectl with the kubeconfig you downloaded.",
            ),
            E::TooManyTerminals { per_learner } => Text::new(
                format!("终端开得太多了（每人最多 {per_learner} 个，全站也有上限）：先关掉另一个标签页里的终端，或稍后再试。"),
                format!("Too many terminals are open (at most {per_learner} each, and a limit for everyone): close the terminal in another tab, or try again later."),
            ),
            E::TerminalClosed => Text::new(
                "终端已关闭：你退出了登录、重置了命名空间，或者班级已归档。需要时再打开一个。",
                "This terminal was closed: you signed out, reset your namespace, or your classroom was archived. Open a new one when you need it.",
            ),
            E::NoRules(id) => Text::new(
                format!("练习 {id} 没有可在浏览器里预检的规则：测验的答案只在服务器上，集群练习要在集群里检查。"),
                format!("Exercise {id} has no rules to pre-check in the browser: a quiz's answers stay on the server, and a cluster exercise is checked in the cluster."),
            ),
            E::Locked { exercise, lock } => {
                let missing = lock.missing.join(", ");
                Text::new(
                    format!(
                        "练习 {exercise} 还没开放：先让“{}”一章的练习都通过（还差：{missing}）。课文随时可以读。",
                        lock.title.zh
                    ),
                    format!(
                        "Exercise {exercise} is not open yet: first pass the exercises of the chapter “{}” (still to pass: {missing}). The lessons stay readable.",
                        lock.title.en
                    ),
                )
            }
            E::GatedByClassroom => Text::new(
                "你在班级里：是否按章节解锁练习由老师决定。".to_string(),
                "You are in a classroom: your instructor decides whether exercises open chapter by chapter.".to_string(),
            ),
            E::Input(e) => e.text(),
            E::Cluster(e) => e.text(),
            E::Provision(e) => e.text(),
            E::Store(e) => e.text(),
            E::RateLimited(wait) => Text::new(
                format!("失败次数太多，请 {} 后再试。", texts::wait_zh(*wait)),
                format!("Too many failed tries: try again in {}.", texts::wait_en(*wait)),
            ),
            E::TooManyAttempts(wait) => Text::new(
                format!(
                    "检查得太频繁了：请 {} 后再试（每分钟最多检查或提交若干次）。",
                    texts::wait_zh(*wait)
                ),
                format!(
                    "Too many checks and submissions in a minute: try again in {}.",
                    texts::wait_en(*wait)
                ),
            ),
            E::TooManyStreams {
                per_learner: Some(n),
            } => Text::new(
                format!("你已经打开了 {n} 个实时检查：先关掉其他页面或标签页里的「实时」，再打开这个。"),
                format!("You already have {n} live checks open: turn Live off in another page or tab first."),
            ),
            E::TooManyStreams { per_learner: None } => Text::new(
                "现在打开实时检查的人太多了：请稍后再试，或用「立即检查」。",
                "Too many live checks are open on this kubelab right now: try again later, or use Check now.",
            ),
            E::LearnerArchived => Text::new(
                "你的班级已被老师归档，这个学习身份不能再使用（命名空间已删除）。可以重新开始自学，或加入新的班级。",
                "Your classroom has been archived by its instructor: this learner can no longer be used (its namespace is gone). Start again on your own, or join a new classroom.",
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
            E::TooManyNewLearners(wait) => Text::new(
                format!(
                    "从你的网络新建的学习者太多了：请 {} 后再试，或用续学码继续原来的进度。",
                    texts::wait_zh(*wait)
                ),
                format!(
                    "Too many new learners from your network: try again in {}, or continue with your resume code.",
                    texts::wait_en(*wait)
                ),
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
