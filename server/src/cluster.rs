//! Reading a learner's namespace from a real cluster (kube-rs) to build a [`Snapshot`]. All
//! Kubernetes I/O of the server is here: direct lists for the one-shot `kubelab check`, and the
//! shared watch caches ([`cache::WatchCache`]) behind the server's checks, live verdicts and
//! grading.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use clap::Args;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use kube::{Api, Client, Config};
use kubelab_checks::{Exercise, Need, Snapshot, Text, Verdict};
use serde_json::Value;

/// How long to wait for a TCP (and TLS) connection to the API server.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long to wait for an answer on an open connection.
pub const READ_TIMEOUT: Duration = Duration::from_secs(4);
/// The whole snapshot (every list) must be read within this.
pub const DEADLINE: Duration = Duration::from_millis(4500);
/// Objects per list page.
const PAGE: u32 = 500;
/// At most this many pages per resource type (a learner's namespace is small).
const MAX_PAGES: usize = 20;

const HOW_TO_START: &str = "is your cluster running? (kind: scripts/kind-up)";
const HOW_TO_START_ZH: &str = "集群启动了吗？（kind：scripts/kind-up）";

/// Where the cluster is and which namespace is the learner's.
#[derive(Debug, Clone, Args)]
pub struct ClusterArgs {
    /// The learner's namespace: namespaced objects are read from here.
    #[arg(
        long,
        short = 'n',
        env = "KUBELAB_NAMESPACE",
        default_value = "default"
    )]
    pub namespace: String,
    /// The kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).
    #[arg(long, env = "KUBELAB_KUBECONFIG")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use (default: its current context).
    #[arg(long, env = "KUBELAB_CONTEXT")]
    pub context: Option<String>,
}

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
            Error::NotServed { .. } | Error::Api { .. } | Error::Decode { .. } => "cluster-error",
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
            Error::Decode { url, what, message } => {
                format!("无法理解 Kubernetes API {url} 列出 {what} 的应答：{message}")
            }
        };
        Text::new(zh, en)
    }
}

pub mod cache;

/// A client for one API server, and the shared watch caches on it. Building it does no network
/// I/O; cloning it is cheap (the caches and counters are shared by every clone).
#[derive(Clone)]
pub struct Cluster {
    client: Client,
    config: Arc<Config>,
    url: String,
    cache: cache::WatchCache,
    requests: Arc<RequestCounts>,
}

/// How many HTTP requests this process sent to the API server (every client of a [`Cluster`]).
#[derive(Debug, Default)]
struct RequestCounts {
    total: AtomicU64,
    watches: AtomicU64,
}

/// A reading of [`Cluster::api_requests`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ApiRequests {
    /// Every request (lists, gets, watches).
    pub total: u64,
    /// Of those, watch requests (`?watch=true`).
    pub watches: u64,
}

/// A tower layer that counts the requests a kube client sends.
#[derive(Clone)]
struct CountLayer(Arc<RequestCounts>);

#[derive(Clone)]
struct Counted<S> {
    inner: S,
    counts: Arc<RequestCounts>,
}

impl<S> tower::Layer<S> for CountLayer {
    type Service = Counted<S>;
    fn layer(&self, inner: S) -> Counted<S> {
        Counted {
            inner,
            counts: self.0.clone(),
        }
    }
}

impl<S, B> tower::Service<axum::http::Request<B>> for Counted<S>
where
    S: tower::Service<axum::http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: axum::http::Request<B>) -> S::Future {
        self.counts.total.fetch_add(1, Ordering::Relaxed);
        let watch = req
            .uri()
            .query()
            .is_some_and(|q| q.split('&').any(|kv| kv == "watch=true"));
        if watch {
            self.counts.watches.fetch_add(1, Ordering::Relaxed);
        }
        self.inner.call(req)
    }
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").field("url", &self.url).finish()
    }
}

fn kubeconfig_error(source_name: &str, e: &KubeconfigError) -> Error {
    Error::Kubeconfig {
        source_name: source_name.to_string(),
        message: e.to_string(),
    }
}

/// `https://127.0.0.1:6443` (without the trailing `/` of a URI's display).
fn display_url(uri: &impl std::fmt::Display) -> String {
    uri.to_string().trim_end_matches('/').to_string()
}

impl Cluster {
    /// Finds the kubeconfig (`--kubeconfig`, then `$KUBECONFIG`, then `~/.kube/config`, then the
    /// in-cluster service account) and builds a client with short timeouts. Needs a Tokio runtime.
    pub async fn connect(args: &ClusterArgs) -> Result<Cluster, Error> {
        let options = KubeConfigOptions {
            context: args.context.clone(),
            ..KubeConfigOptions::default()
        };
        let (source_name, kubeconfig) = match &args.kubeconfig {
            Some(path) => {
                let name = path.display().to_string();
                let kc = Kubeconfig::read_from(path).map_err(|e| kubeconfig_error(&name, &e))?;
                (name, Some(kc))
            }
            None => match Kubeconfig::from_env() {
                Ok(Some(kc)) => ("$KUBECONFIG".to_string(), Some(kc)),
                Err(e) => return Err(kubeconfig_error("$KUBECONFIG", &e)),
                Ok(None) => {
                    let home = std::env::var_os("HOME")
                        .map(|h| PathBuf::from(h).join(".kube").join("config"));
                    match home {
                        Some(path) if path.exists() => {
                            let name = path.display().to_string();
                            let kc = Kubeconfig::read_from(&path)
                                .map_err(|e| kubeconfig_error(&name, &e))?;
                            (name, Some(kc))
                        }
                        _ => ("in-cluster".to_string(), None),
                    }
                }
            },
        };
        let mut config = match kubeconfig {
            Some(kc) => Config::from_custom_kubeconfig(kc, &options)
                .await
                .map_err(|e| kubeconfig_error(&source_name, &e))?,
            None if std::env::var_os("KUBERNETES_SERVICE_HOST").is_some() => Config::incluster()
                .map_err(|e| Error::Kubeconfig {
                    source_name: source_name.clone(),
                    message: e.to_string(),
                })?,
            None => return Err(Error::NoKubeconfig),
        };
        config.connect_timeout = Some(CONNECT_TIMEOUT);
        config.read_timeout = Some(READ_TIMEOUT);
        config.write_timeout = Some(READ_TIMEOUT);
        // Predictable timing: a learner re-runs the check rather than waiting for retries.
        config.default_retry = false;
        let url = display_url(&config.cluster_url);
        let mut watch_config = config.clone();
        watch_config.read_timeout = None;
        let requests = Arc::new(RequestCounts::default());
        let build = |config: Config| {
            kube::client::ClientBuilder::try_from(config)
                .map(|b| b.with_layer(&CountLayer(requests.clone())).build())
                .map_err(|e| Error::Kubeconfig {
                    source_name: source_name.clone(),
                    message: e.to_string(),
                })
        };
        let client = build(config.clone())?;
        let watch_client = build(watch_config)?;
        Ok(Cluster {
            client,
            cache: cache::WatchCache::new(watch_client, url.clone()),
            config: Arc::new(config),
            url,
            requests,
        })
    }

    /// The API server's address.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The client for short requests (connect, read and write timeouts set, no retries).
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// The configuration the clients were built from (e.g. to build one with other credentials).
    pub fn kube_config(&self) -> &Config {
        &self.config
    }

    /// The watch caches shared by every clone of this cluster. Nothing is watched until the
    /// first read.
    pub fn cache(&self) -> &cache::WatchCache {
        &self.cache
    }

    /// The requests sent to the API server so far, by every client of this cluster.
    pub fn api_requests(&self) -> ApiRequests {
        ApiRequests {
            total: self.requests.total.load(Ordering::Relaxed),
            watches: self.requests.watches.load(Ordering::Relaxed),
        }
    }

    /// The names of the namespaces with the labels of `selector` (e.g. `kubelab.dev/class=c1`),
    /// sorted.
    pub async fn namespaces(&self, selector: &str) -> Result<Vec<String>, Error> {
        let api: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(self.client.clone());
        let what = format!("namespaces with labels {selector}");
        let list = tokio::time::timeout(
            DEADLINE,
            api.list_metadata(&ListParams::default().labels(selector)),
        )
        .await
        .map_err(|_| timeout_error(&self.url))?
        .map_err(|e| classify(&self.url, e, &what))?;
        let mut names: Vec<String> = list
            .items
            .into_iter()
            .filter_map(|n| n.metadata.name)
            .collect();
        names.sort();
        Ok(names)
    }

    /// Reads everything `ex` needs and evaluates it with direct lists (no cache): one span per
    /// check. For one-shot checks; the server reads [`Cluster::cache`].
    #[tracing::instrument(name = "cluster_check", skip_all, fields(exercise = %ex.id, namespace = %namespace))]
    pub async fn check(&self, ex: &Exercise, namespace: &str) -> Result<Verdict, Error> {
        let started = std::time::Instant::now();
        let snapshot = self.snapshot(&ex.needs, namespace).await;
        match &snapshot {
            Ok(s) => tracing::debug!(
                objects = s.objects.len(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "snapshot read"
            ),
            Err(e) => tracing::warn!(error = %e, "cluster check could not run"),
        }
        let verdict = kubelab_checks::evaluate(ex, &snapshot?);
        tracing::info!(passed = verdict.passed, "cluster check done");
        Ok(verdict)
    }

    /// Lists every needed type (namespaced ones in `namespace`, cluster-scoped ones cluster-wide)
    /// within [`DEADLINE`].
    pub async fn snapshot(&self, needs: &[Need], namespace: &str) -> Result<Snapshot, Error> {
        if !is_dns_label(namespace) {
            return Err(Error::BadNamespace {
                namespace: namespace.to_string(),
            });
        }
        let lists = futures::future::try_join_all(needs.iter().map(|n| self.list(n, namespace)));
        match tokio::time::timeout(DEADLINE, lists).await {
            Ok(Ok(lists)) => Ok(Snapshot::new(
                namespace,
                lists.into_iter().flatten().collect(),
            )),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(timeout_error(&self.url)),
        }
    }

    async fn list(&self, need: &Need, namespace: &str) -> Result<Vec<Value>, Error> {
        let (api, what) = api_for(&self.client, need, Some(namespace));
        let mut out = Vec::new();
        let mut params = ListParams::default().limit(PAGE);
        for _ in 0..MAX_PAGES {
            let page = api
                .list(&params)
                .await
                .map_err(|e| classify(&self.url, e, &what))?;
            for item in page.items {
                let mut value = serde_json::to_value(&item).map_err(|e| Error::Decode {
                    url: self.url.clone(),
                    what: what.clone(),
                    message: e.to_string(),
                })?;
                restore_type(&mut value, need);
                out.push(value);
            }
            match page.metadata.continue_ {
                Some(token) if !token.is_empty() => params = params.continue_token(&token),
                _ => break,
            }
        }
        Ok(out)
    }
}

/// The API server did not answer within [`DEADLINE`].
fn timeout_error(url: &str) -> Error {
    Error::Timeout {
        url: url.to_string(),
        secs: format!("{:.1}", DEADLINE.as_secs_f64()),
    }
}

/// The API for `need`'s type: namespaced types in `namespace` if one is given, else across all
/// namespaces; and how to name it in errors.
fn api_for(client: &Client, need: &Need, namespace: Option<&str>) -> (Api<DynamicObject>, String) {
    let (group, version) = need.group_version();
    let gvk = GroupVersionKind::gvk(group, version, &need.kind);
    let ar = ApiResource::from_gvk_with_plural(&gvk, &need.plural);
    match namespace {
        Some(ns) if need.namespaced => (
            Api::namespaced_with(client.clone(), ns, &ar),
            format!("{} ({}) in namespace {ns}", need.plural, need.api_version),
        ),
        _ => (
            Api::all_with(client.clone(), &ar),
            format!("{} ({})", need.plural, need.api_version),
        ),
    }
}

/// Turns a client error into one a learner can act on.
fn classify(url: &str, e: kube::Error, what: &str) -> Error {
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

/// A namespace name: a DNS-1123 label.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// List responses leave `apiVersion` and `kind` out of their items: put them back. Also drop
/// `metadata.managedFields`, which checks never read.
fn restore_type(value: &mut Value, need: &Need) {
    if let Some(obj) = value.as_object_mut() {
        obj.insert("apiVersion".into(), Value::String(need.api_version.clone()));
        obj.insert("kind".into(), Value::String(need.kind.clone()));
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
        }
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
fn strip_os_error(s: &str) -> String {
    match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests;
