//! Why a cluster read could not run, in words a learner can act on (both languages), and how a
//! kube-rs error becomes one of those causes.

use kubelab_checks::Text;

use super::resource::DEADLINE;

pub(crate) const HOW_TO_START: &str = "is your cluster running? (kind: scripts/kind-up)";
pub(crate) const HOW_TO_START_ZH: &str = "集群启动了吗？（kind：scripts/kind-up）";

/// Why a cluster check could not run. Every variant has a message a learner can act on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error(
        "\"{namespace}\" is not a namespace name (lowercase letters, digits and '-', at most 63)"
    )]
    BadNamespace { namespace: String },
    #[error("no cluster connected: no kubeconfig found (set KUBECONFIG or pass --kubeconfig; kind: scripts/kind-up)")]
    NoKubeconfig,
    #[error("cannot use the kubeconfig {source_name}: {message}")]
    Kubeconfig {
        source_name: String,
        message: String,
    },
    #[error("cannot reach the Kubernetes API at {url}: {cause} — {HOW_TO_START}")]
    Unreachable { url: String, cause: String },
    #[error("the Kubernetes API at {url} did not answer within {secs} s — {HOW_TO_START}")]
    Timeout { url: String, secs: String },
    #[error("the Kubernetes API at {url} refused to list {what}: {code} {message}")]
    Denied {
        url: String,
        what: String,
        code: u16,
        message: String,
    },
    #[error("the Kubernetes API at {url} does not serve {what}: {message}")]
    NotServed {
        url: String,
        what: String,
        message: String,
    },
    #[error("the Kubernetes API at {url} failed to list {what}: {code} {message}")]
    Api {
        url: String,
        what: String,
        code: u16,
        message: String,
    },
    #[error("the Kubernetes API at {url} refused to write {what}: {code} {message}")]
    Refused {
        url: String,
        what: String,
        code: u16,
        message: String,
    },
    /// The toolbox Pod cannot run (its image does not pull, it crashes) or did not become
    /// ready in time.
    #[error("the terminal's toolbox Pod is not ready: {reason}")]
    ToolboxNotReady { reason: String },
    #[error(
        "the answer of the Kubernetes API at {url} listing {what} is not understood: {message}"
    )]
    Decode {
        url: String,
        what: String,
        message: String,
    },
}

impl Error {
    /// A stable code for JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadNamespace { .. } => "bad-namespace",
            Error::NoKubeconfig | Error::Kubeconfig { .. } => "no-cluster",
            Error::Unreachable { .. } | Error::Timeout { .. } => "cluster-unreachable",
            Error::Denied { .. } => "cluster-denied",
            Error::Refused { .. } => "cluster-refused",
            Error::NotServed { .. } | Error::Api { .. } | Error::Decode { .. } => "cluster-error",
            Error::ToolboxNotReady { .. } => "toolbox-not-ready",
        }
    }

    /// Whether the cause is that no usable cluster is there (as opposed to one that answered
    /// with an error).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Error::NoKubeconfig
                | Error::Kubeconfig { .. }
                | Error::Unreachable { .. }
                | Error::Timeout { .. }
        )
    }

    /// The message in both languages (the English one is the `Display` text).
    pub fn text(&self) -> Text {
        let en = self.to_string();
        let zh = match self {
            Error::BadNamespace { namespace } => format!(
                "「{namespace}」不是合法的命名空间名（小写字母、数字和 -，最多 63 个字符）"
            ),
            Error::NoKubeconfig => "没有连接集群：找不到 kubeconfig（设置 KUBECONFIG 或使用 --kubeconfig；kind：scripts/kind-up）。".to_string(),
            Error::Kubeconfig { source_name, message } => {
                format!("无法使用 kubeconfig {source_name}：{message}")
            }
            Error::Unreachable { url, cause } => {
                format!("无法连接 Kubernetes API {url}：{} —— {HOW_TO_START_ZH}", cause_zh(cause))
            }
            Error::Timeout { url, secs } => {
                format!("Kubernetes API {url} 在 {secs} 秒内没有应答 —— {HOW_TO_START_ZH}")
            }
            Error::Denied { url, what, code, message } => format!(
                "Kubernetes API {url} 拒绝列出 {what}：{code} {message}（检查 kubeconfig 里的用户是否有 list 权限）"
            ),
            Error::NotServed { url, what, message } => {
                format!("Kubernetes API {url} 不提供 {what}：{message}")
            }
            Error::Api { url, what, code, message } => {
                format!("Kubernetes API {url} 列出 {what} 失败：{code} {message}")
            }
            Error::Refused { url, what, code, message } => {
                format!("Kubernetes API {url} 拒绝写入 {what}：{code} {message}")
            }
            Error::ToolboxNotReady { reason } => {
                format!("终端的工具箱 Pod 还没有就绪：{reason}")
            }
            Error::Decode { url, what, message } => {
                format!("无法理解 Kubernetes API {url} 列出 {what} 的应答：{message}")
            }
        };
        Text::new(zh, en)
    }
}

/// The API server did not answer within [`DEADLINE`].
pub(crate) fn timeout_error(url: &str) -> Error {
    Error::Timeout {
        url: url.to_string(),
        secs: format!("{:.1}", DEADLINE.as_secs_f64()),
    }
}

/// Turns a client error into one a learner can act on.
pub(crate) fn classify(url: &str, e: kube::Error, what: &str) -> Error {
    let url = url.to_string();
    let what = what.to_string();
    match e {
        kube::Error::Api(status) => {
            let code = status.code;
            let message = status.message.clone();
            match code {
                401 | 403 => Error::Denied {
                    url,
                    what,
                    code,
                    message,
                },
                404 => Error::NotServed { url, what, message },
                _ => Error::Api {
                    url,
                    what,
                    code,
                    message,
                },
            }
        }
        kube::Error::SerdeError(e) => Error::Decode {
            url,
            what,
            message: e.to_string(),
        },
        other => Error::Unreachable {
            url,
            cause: root_cause(&other),
        },
    }
}

/// Like [`classify`], for a write (apply, delete): the API server's refusal of the object —
/// validation, admission, a full quota (403 too), a conflict — is [`Error::Refused`] with its
/// reason; a 401 stays "denied" (kubelab's own credentials).
pub(crate) fn classify_write(url: &str, e: kube::Error, what: &str) -> Error {
    match e {
        kube::Error::Api(status) if (400..500).contains(&status.code) && status.code != 401 => {
            Error::Refused {
                url: url.to_string(),
                what: what.to_string(),
                code: status.code,
                message: status.message.clone(),
            }
        }
        other => classify(url, other, what),
    }
}

/// The innermost useful cause of a connection failure, in plain words ("connection refused").
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut last = e.to_string();
    while let Some(err) = current {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            let plain = match io.kind() {
                K::ConnectionRefused => Some("connection refused"),
                K::TimedOut => Some("connection timed out"),
                K::ConnectionReset => Some("connection reset"),
                K::ConnectionAborted => Some("connection aborted"),
                K::HostUnreachable => Some("host unreachable"),
                K::NetworkUnreachable => Some("network unreachable"),
                K::AddrNotAvailable => Some("address not available"),
                _ => None,
            };
            if let Some(p) = plain {
                return p.to_string();
            }
            // e.g. TLS errors wrapped in io::Error: the inner error says more.
            if io.get_ref().is_none() {
                return strip_os_error(&io.to_string());
            }
        }
        last = err.to_string();
        current = err.source();
    }
    strip_os_error(&last)
}

/// The plain causes of [`root_cause`] in Chinese; anything else stays as the system said it.
pub(crate) fn cause_zh(cause: &str) -> &str {
    match cause {
        "connection refused" => "连接被拒绝",
        "connection timed out" => "连接超时",
        "connection reset" => "连接被重置",
        "connection aborted" => "连接中断",
        "host unreachable" => "主机不可达",
        "network unreachable" => "网络不可达",
        "address not available" => "地址不可用",
        other => other,
    }
}

/// "Connection refused (os error 111)" → "Connection refused".
pub(crate) fn strip_os_error(s: &str) -> String {
    match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s.to_string(),
    }
}
