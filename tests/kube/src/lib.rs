//! Helpers for tests against a real Kubernetes API — normally the sandbox
//! control plane started by `scripts/sandbox up` (see docs/SANDBOX.md).
//!
//! ```no_run
//! # async fn demo() {
//! use k8s_openapi::api::core::v1::ConfigMap;
//! use kubelab_testkit::{poll_until, TestNamespace};
//! use std::time::Duration;
//!
//! let ns = TestNamespace::create("demo").await; // deleted again when `ns` drops
//! let cms = ns.api::<ConfigMap>();
//! let cm = poll_until("the root CA ConfigMap", Duration::from_secs(30), || async {
//!     cms.get_opt("kube-root-ca.crt").await.map_err(|e| e.to_string())?.ok_or_else(|| "not yet".to_string())
//! })
//! .await;
//! # let _ = cm;
//! # }
//! ```
//!
//! A missing `KUBECONFIG` or an unreachable cluster makes the test **fail**
//! with instructions to start the sandbox; it is never skipped silently.

use std::fmt::Display;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use std::sync::Mutex;

use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use kube::api::{ApiResource, DeleteParams, DynamicObject, ObjectMeta, PostParams};
use kube::config::{AuthInfo, KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config};

/// Label put on every namespace this crate creates, so leftovers can be found:
/// `kubectl get ns -l kubelab.dev/testkit`.
pub const NAMESPACE_LABEL: &str = "kubelab.dev/testkit";

/// How to get a cluster, printed whenever there is none.
pub const HOW_TO_START: &str =
    "start the test sandbox first:\n\n    eval \"$(scripts/sandbox up)\"\n\n\
     (it builds/starts a local control plane and prints `export KUBECONFIG=...`; \
     `scripts/sandbox status` shows what runs; see docs/SANDBOX.md)";

/// A connection to the cluster named by `$KUBECONFIG`.
#[derive(Clone)]
pub struct Cluster {
    config: Config,
    client: Client,
}

impl Cluster {
    /// Connects via `$KUBECONFIG` and checks that the API server answers.
    ///
    /// # Panics
    /// With a message telling how to start the sandbox if `KUBECONFIG` is unset,
    /// unreadable, or the API server cannot be reached.
    pub async fn connect() -> Cluster {
        match Self::try_connect().await {
            Ok(c) => c,
            Err(e) => panic!(
                "no Kubernetes cluster for this test: {e}\n\nTo run these tests, {HOW_TO_START}"
            ),
        }
    }

    /// Like [`Cluster::connect`] but returns the reason instead of panicking.
    pub async fn try_connect() -> Result<Cluster, String> {
        let path = match std::env::var_os("KUBECONFIG") {
            Some(p) if !p.is_empty() => p,
            _ => return Err("KUBECONFIG is not set".into()),
        };
        // Only the first file of a KUBECONFIG list, as the sandbox writes one file.
        let first = std::env::split_paths(&path).next().unwrap_or_default();
        let kubeconfig = Kubeconfig::read_from(&first)
            .map_err(|e| format!("cannot read KUBECONFIG={}: {e}", first.display()))?;
        let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
            .await
            .map_err(|e| format!("bad kubeconfig {}: {e}", first.display()))?;
        let url = config.cluster_url.clone();
        let client = Client::try_from(config.clone())
            .map_err(|e| format!("cannot build a client for {url}: {e}"))?;
        match tokio::time::timeout(Duration::from_secs(10), client.apiserver_version()).await {
            Ok(Ok(_)) => Ok(Cluster { config, client }),
            Ok(Err(e)) => Err(format!(
                "the API server at {url} (KUBECONFIG={}) is unreachable: {e}",
                first.display()
            )),
            Err(_) => Err(format!(
                "the API server at {url} (KUBECONFIG={}) did not answer within 10s",
                first.display()
            )),
        }
    }

    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// The client configuration (e.g. to build a client with other credentials).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A client for the same API server that authenticates with a bearer
    /// token only (e.g. a ServiceAccount token from a TokenRequest).
    pub fn client_with_token(&self, token: &str) -> Client {
        let mut config = self.config.clone();
        let auth: AuthInfo = serde_json::from_value(serde_json::json!({ "token": token }))
            .expect("an AuthInfo with a token deserializes");
        config.auth_info = auth;
        Client::try_from(config).expect("client from token config")
    }
}

/// A namespace of its own for one test, with a unique name. It is deleted when
/// the value is dropped — also when the test panics.
pub struct TestNamespace {
    cluster: Cluster,
    name: String,
    /// Cluster-scoped objects the test made (e.g. PersistentVolumes), deleted on drop.
    cluster_objects: Mutex<Vec<(ApiResource, String)>>,
}

impl TestNamespace {
    /// Connects (see [`Cluster::connect`]) and creates a fresh namespace whose
    /// name starts with `kl-<prefix>-`. Waits until its `default` ServiceAccount
    /// exists, so pods can be created right away.
    pub async fn create(prefix: &str) -> TestNamespace {
        let cluster = Cluster::connect().await;
        Self::create_in(cluster, prefix).await
    }

    /// Like [`TestNamespace::create`] with an existing connection.
    pub async fn create_in(cluster: Cluster, prefix: &str) -> TestNamespace {
        Self::create_named_in(cluster, unique_name(prefix)).await
    }

    /// A namespace with exactly this name (e.g. a learner's, from the store); deleted on drop
    /// like the others.
    pub async fn create_named(name: &str) -> TestNamespace {
        let cluster = Cluster::connect().await;
        Self::create_named_in(cluster, name.to_string()).await
    }

    async fn create_named_in(cluster: Cluster, name: String) -> TestNamespace {
        let namespaces: Api<Namespace> = Api::all(cluster.client());
        let ns = Namespace {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                labels: Some([(NAMESPACE_LABEL.to_string(), "true".to_string())].into()),
                ..Default::default()
            },
            ..Default::default()
        };
        if let Err(e) = namespaces.create(&PostParams::default(), &ns).await {
            panic!("cannot create test namespace {name}: {e}");
        }
        let this = TestNamespace {
            cluster,
            name,
            cluster_objects: Mutex::new(Vec::new()),
        };
        let sas: Api<ServiceAccount> = this.api();
        poll_until(
            &format!("ServiceAccount default in namespace {}", this.name),
            Duration::from_secs(60),
            || async {
                sas.get_opt("default")
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| "not created yet".to_string())
            },
        )
        .await;
        this
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn client(&self) -> Client {
        self.cluster.client()
    }

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// An `Api` for a namespaced resource in this namespace.
    pub fn api<K>(&self) -> Api<K>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
        <K as kube::Resource>::DynamicType: Default,
    {
        Api::namespaced(self.client(), &self.name)
    }

    /// Delete the cluster-scoped object `K` named `name` together with the
    /// namespace (namespace deletion does not reach cluster-scoped objects).
    pub fn delete_on_drop<K>(&self, name: &str)
    where
        K: kube::Resource<DynamicType = ()>,
    {
        self.cluster_objects
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((ApiResource::erase::<K>(&()), name.to_string()));
    }
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        // Drop cannot await, and the test's runtime may be single-threaded or
        // shutting down: delete from a thread with its own runtime and client.
        let config = self.cluster.config.clone();
        let name = self.name.clone();
        let extra = std::mem::take(
            &mut *self
                .cluster_objects
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        let handle = std::thread::spawn(move || -> Result<(), String> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(async move {
                let client = Client::try_from(config).map_err(|e| e.to_string())?;
                for (ar, obj) in &extra {
                    let api: Api<DynamicObject> = Api::all_with(client.clone(), ar);
                    let _ = tokio::time::timeout(
                        Duration::from_secs(15),
                        api.delete(obj, &DeleteParams::background()),
                    )
                    .await;
                }
                let namespaces: Api<Namespace> = Api::all(client);
                let dp = DeleteParams::background();
                let delete = namespaces.delete(&name, &dp);
                match tokio::time::timeout(Duration::from_secs(15), delete).await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(kube::Error::Api(s))) if s.code == 404 => Ok(()),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(_) => Err("timed out".into()),
                }
            })
        });
        match handle.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!(
                "kubelab-testkit: could not delete test namespace {}: {e}",
                self.name
            ),
            Err(_) => eprintln!(
                "kubelab-testkit: deleting test namespace {} panicked",
                self.name
            ),
        }
    }
}

/// A DNS-1123 label `kl-<prefix>-<suffix>`, unique across processes and calls.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let mut clean: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    clean.truncate(36);
    let clean = clean.trim_matches('-');
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let suffix = format!(
        "{:x}{:x}{:x}",
        std::process::id() & 0xffff,
        n,
        nanos & 0xfffff
    );
    if clean.is_empty() {
        format!("kl-{suffix}")
    } else {
        format!("kl-{clean}-{suffix}")
    }
}

/// Polls `check` until it returns `Ok`, with a deadline. `Err` means "not
/// yet" and carries what was seen; the last one is in the panic message when
/// the deadline passes. Polls quickly at first, then every 250 ms.
///
/// # Panics
/// If `check` has not succeeded after `timeout`.
pub async fn poll_until<T, E, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    E: Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    match try_poll_until(timeout, &mut check).await {
        Ok(v) => v,
        Err(last) => panic!("timed out after {timeout:?} waiting for {what}; last seen: {last}"),
    }
}

/// Like [`poll_until`] but returns the last `Err` (as text) instead of panicking.
pub async fn try_poll_until<T, E, F, Fut>(timeout: Duration, mut check: F) -> Result<T, String>
where
    E: Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let deadline = Instant::now() + timeout;
    let mut delay = Duration::from_millis(20);
    loop {
        let last = match check().await {
            Ok(v) => return Ok(v),
            Err(e) => e.to_string(),
        };
        if Instant::now() >= deadline {
            return Err(last);
        }
        tokio::time::sleep(delay.min(deadline.saturating_duration_since(Instant::now()))).await;
        delay = (delay * 2).min(Duration::from_millis(250));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_names_are_dns_labels_and_differ() {
        let a = unique_name("Smoke_Test: Deployment");
        let b = unique_name("Smoke_Test: Deployment");
        assert_ne!(a, b);
        for n in [&a, &b, &unique_name(""), &unique_name(&"x".repeat(100))] {
            assert!(n.len() <= 63, "{n}");
            assert!(n.starts_with("kl-"), "{n}");
            assert!(
                n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{n}"
            );
            assert!(!n.ends_with('-'), "{n}");
        }
    }

    #[tokio::test]
    async fn poll_until_returns_first_ok() {
        let mut n = 0;
        let v = poll_until("n to reach 3", Duration::from_secs(5), || {
            n += 1;
            let seen = n;
            async move {
                if seen >= 3 {
                    Ok(seen)
                } else {
                    Err(format!("n={seen}"))
                }
            }
        })
        .await;
        assert_eq!(v, 3);
    }

    #[tokio::test]
    async fn try_poll_until_reports_last_state_on_timeout() {
        let r: Result<(), String> = try_poll_until(Duration::from_millis(50), || async {
            Err::<(), _>("still pending")
        })
        .await;
        assert_eq!(r.unwrap_err(), "still pending");
    }

    #[tokio::test]
    async fn missing_kubeconfig_is_an_error_that_says_how_to_start_the_sandbox() {
        // Only meaningful where the variable is unset; never remove it from the
        // environment of other tests running in parallel.
        if std::env::var_os("KUBECONFIG").is_none() {
            let err = Cluster::try_connect()
                .await
                .err()
                .expect("must fail without KUBECONFIG");
            assert!(err.contains("KUBECONFIG is not set"), "{err}");
        }
        assert!(HOW_TO_START.contains("scripts/sandbox up"));
    }
}
