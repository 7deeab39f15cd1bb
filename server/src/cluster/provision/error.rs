//! Why a learner namespace could not be set up, handed out, reset or removed: the cause a kube
//! error stands for, in words an operator and a learner can act on, in both languages.

use kubelab_checks::Text;

use super::model::{MANAGED_BY, MANAGED_BY_VALUE, SERVICE_ACCOUNT};
use crate::cluster::{cause_zh, root_cause};

/// Which name was not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Namespace,
    Learner,
    Classroom,
}

impl NameKind {
    fn en(self) -> &'static str {
        match self {
            NameKind::Namespace => {
                "a namespace name (lowercase letters, digits and '-', at most 63)"
            }
            NameKind::Learner => "a learner id (letters, digits, '-', '_', '.', at most 63)",
            NameKind::Classroom => "a classroom id (letters, digits, '-', '_', '.', at most 63)",
        }
    }
    fn zh(self) -> &'static str {
        match self {
            NameKind::Namespace => "合法的命名空间名（小写字母、数字和 -，最多 63 个字符）",
            NameKind::Learner => "合法的学员 id（字母、数字、-、_、.，最多 63 个字符）",
            NameKind::Classroom => "合法的班级 id（字母、数字、-、_、.，最多 63 个字符）",
        }
    }
}

/// What kubelab was doing when the API server said no.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Read,
    Apply,
    Delete,
    RequestToken,
}

impl Op {
    fn zh(self) -> &'static str {
        match self {
            Op::Read => "读取",
            Op::Apply => "应用",
            Op::Delete => "删除",
            Op::RequestToken => "申请令牌给",
        }
    }
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Op::Read => "read",
            Op::Apply => "apply",
            Op::Delete => "delete",
            Op::RequestToken => "request a token for",
        })
    }
}

/// Why a learner namespace could not be set up, handed out, reset or removed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProvisionError {
    #[error("\"{value}\" is not {}", kind.en())]
    BadName { kind: NameKind, value: String },
    #[error("the namespace {namespace} exists but kubelab did not create it (no label {MANAGED_BY}={MANAGED_BY_VALUE}); kubelab leaves it alone")]
    NotManaged { namespace: String },
    #[error("the namespace {namespace} is still being deleted; try again in a moment")]
    Terminating { namespace: String },
    #[error("the namespace {namespace} has not been set up for a learner yet")]
    NotProvisioned { namespace: String },
    #[error("cannot reach the Kubernetes API at {url}: {cause}")]
    Unreachable { url: String, cause: String },
    #[error("the Kubernetes API at {url} did not answer within {secs} s")]
    Timeout { url: String, secs: u64 },
    #[error("{what} was not ready within {secs} s")]
    NotReady { what: String, secs: u64 },
    #[error("the Kubernetes API at {url} does not let kubelab {op} {object}: {code} {message}")]
    Denied {
        url: String,
        op: Op,
        object: String,
        code: u16,
        message: String,
    },
    #[error("a resource quota does not let kubelab {op} {object}: {message}")]
    QuotaExceeded {
        op: Op,
        object: String,
        message: String,
    },
    #[error("the Kubernetes API at {url} does not serve {object} (kubelab needs Kubernetes 1.36 or newer): {message}")]
    Unsupported {
        url: String,
        object: String,
        message: String,
    },
    #[error("the Kubernetes API at {url} gave no token for {namespace}/{SERVICE_ACCOUNT}")]
    NoToken { url: String, namespace: String },
    #[error("the Kubernetes API at {url} failed to {op} {object}: {code} {message}")]
    Api {
        url: String,
        op: Op,
        object: String,
        code: u16,
        message: String,
    },
    #[error(
        "the answer of the Kubernetes API at {url} to {op} {object} is not understood: {message}"
    )]
    Decode {
        url: String,
        op: Op,
        object: String,
        message: String,
    },
}

impl ProvisionError {
    /// A stable code for JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            ProvisionError::BadName { .. } => "bad-name",
            ProvisionError::NotManaged { .. } => "namespace-not-managed",
            ProvisionError::Terminating { .. } => "namespace-terminating",
            ProvisionError::NotProvisioned { .. } => "not-provisioned",
            ProvisionError::Unreachable { .. } | ProvisionError::Timeout { .. } => {
                "cluster-unreachable"
            }
            ProvisionError::NotReady { .. } => "provision-timeout",
            ProvisionError::Denied { .. } => "cluster-denied",
            ProvisionError::QuotaExceeded { .. } => "quota-exceeded",
            ProvisionError::Unsupported { .. } => "cluster-unsupported",
            ProvisionError::NoToken { .. }
            | ProvisionError::Api { .. }
            | ProvisionError::Decode { .. } => "cluster-error",
        }
    }

    /// Whether the cause is that the cluster is not there (as opposed to one that answered).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            ProvisionError::Unreachable { .. } | ProvisionError::Timeout { .. }
        )
    }

    /// The message in both languages (the English one is the `Display` text).
    pub fn text(&self) -> Text {
        let en = self.to_string();
        let zh = match self {
            ProvisionError::BadName { kind, value } => format!("「{value}」不是{}", kind.zh()),
            ProvisionError::NotManaged { namespace } => format!(
                "命名空间 {namespace} 已存在，但不是 kubelab 创建的（没有标签 {MANAGED_BY}={MANAGED_BY_VALUE}），kubelab 不会动它"
            ),
            ProvisionError::Terminating { namespace } => {
                format!("命名空间 {namespace} 还在删除中，请稍后再试")
            }
            ProvisionError::NotProvisioned { namespace } => {
                format!("命名空间 {namespace} 还没有为学员准备好")
            }
            ProvisionError::Unreachable { url, cause } => {
                format!("无法连接 Kubernetes API {url}：{}", cause_zh(cause))
            }
            ProvisionError::Timeout { url, secs } => {
                format!("Kubernetes API {url} 在 {secs} 秒内没有应答")
            }
            ProvisionError::NotReady { what, secs } => format!("{what} 在 {secs} 秒内没有就绪"),
            ProvisionError::Denied {
                url,
                op,
                object,
                code,
                message,
            } => format!(
                "Kubernetes API {url} 不允许 kubelab {} {object}：{code} {message}（kubelab 自己的凭据缺少权限）",
                op.zh()
            ),
            ProvisionError::QuotaExceeded {
                op,
                object,
                message,
            } => format!("资源配额不允许 kubelab {} {object}：{message}", op.zh()),
            ProvisionError::Unsupported {
                url,
                object,
                message,
            } => format!(
                "Kubernetes API {url} 不提供 {object}（kubelab 需要 Kubernetes 1.36 或更新版本）：{message}"
            ),
            ProvisionError::NoToken { url, namespace } => {
                format!("Kubernetes API {url} 没有给 {namespace}/{SERVICE_ACCOUNT} 发放令牌")
            }
            ProvisionError::Api {
                url,
                op,
                object,
                code,
                message,
            } => format!(
                "Kubernetes API {url} {} {object} 失败：{code} {message}",
                op.zh()
            ),
            ProvisionError::Decode {
                url,
                op,
                object,
                message,
            } => format!(
                "无法理解 Kubernetes API {url} 对「{} {object}」的应答：{message}",
                op.zh()
            ),
        };
        Text::new(zh, en)
    }
}

/// Maps a kube error to its cause: unreachable, denied, quota, terminating namespace, or other.
pub(super) fn classify(url: &str, op: Op, object: &str, e: kube::Error) -> ProvisionError {
    let url = url.to_string();
    let object = object.to_string();
    match e {
        kube::Error::Api(status) => {
            let code = status.code;
            let message = status.message.clone();
            let terminating = status
                .details
                .as_ref()
                .is_some_and(|d| d.causes.iter().any(|c| c.reason == "NamespaceTerminating"))
                || message.contains("because it is being terminated");
            match code {
                403 if terminating => ProvisionError::Terminating {
                    namespace: status
                        .details
                        .as_ref()
                        .map(|d| d.name.clone())
                        .filter(|n| !n.is_empty())
                        .unwrap_or(object),
                },
                403 if message.contains("exceeded quota") => ProvisionError::QuotaExceeded {
                    op,
                    object,
                    message,
                },
                401 | 403 => ProvisionError::Denied {
                    url,
                    op,
                    object,
                    code,
                    message,
                },
                _ => ProvisionError::Api {
                    url,
                    op,
                    object,
                    code,
                    message,
                },
            }
        }
        kube::Error::SerdeError(e) => ProvisionError::Decode {
            url,
            op,
            object,
            message: e.to_string(),
        },
        other => ProvisionError::Unreachable {
            url,
            cause: root_cause(&other),
        },
    }
}
