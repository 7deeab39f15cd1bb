//! kubelab's Kubernetes I/O (kube-rs): the client with short timeouts and counted requests,
//! direct lists for the one-shot `kubelab check`, the shared watch caches ([`cache::WatchCache`])
//! behind the server's checks, live verdicts and grading, and learner namespaces
//! ([`provision`]). Named `cluster`, not `kube`, so it does not shadow the kube crate.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use kube::api::ListParams;
use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use kube::{Api, Client, Config};
use kubelab_checks::{Need, Snapshot};
use serde_json::Value;

pub mod apply;
pub mod cache;
mod error;
pub mod provision;
mod resource;
pub mod setup;
pub mod toolbox;

pub(crate) use error::cause_zh;
#[cfg(test)]
use error::strip_os_error;
use error::{classify, timeout_error};
pub use error::{root_cause, Error};
use resource::{api_for, restore_type, MAX_PAGES, PAGE};
pub use resource::{is_dns_label, CONNECT_TIMEOUT, DEADLINE, READ_TIMEOUT};

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
    pub async fn connect(args: &crate::config::ClusterArgs) -> Result<Cluster, Error> {
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
        for_short_requests(&mut config);
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

/// Bounds every request of `config`: connect, read and write timeouts and no retries
/// (predictable timing: a learner re-runs a check rather than waiting). Streams that are silent
/// by nature (a terminal's exec) clear the read and write timeouts again.
pub(crate) fn for_short_requests(config: &mut Config) {
    config.connect_timeout = Some(CONNECT_TIMEOUT);
    config.read_timeout = Some(READ_TIMEOUT);
    config.write_timeout = Some(READ_TIMEOUT);
    config.default_retry = false;
}

#[cfg(test)]
pub(crate) mod tests;
