//! A namespace per learner in a shared cluster: creating it with its RBAC, quota and limits,
//! handing out a kubeconfig for its ServiceAccount, resetting and removing it.
//!
//! Everything is written with server-side apply (field manager [`FIELD_MANAGER`]), so
//! [`Provisioner::ensure`] is idempotent and repairs drift. What is created, and why, is described
//! in docs/ARCHITECTURE.md ("Namespace per learner").
//!
//! Cluster-scoped exercise objects (IngressClass, PersistentVolume) are shared by every learner.
//! RBAC cannot limit `create` by name, so learners get the verbs cluster-wide and two admission
//! policies (CEL, evaluated by the API server itself) narrow them: a MutatingAdmissionPolicy stamps
//! the learner's namespace as owner label on what they create, and ValidatingAdmissionPolicies
//! reject names without the `<namespace>-` prefix and changes to objects another namespace owns.

use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration;

use k8s_openapi::api::admissionregistration::v1::ValidatingAdmissionPolicy;
use k8s_openapi::api::authentication::v1::{TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{
    LimitRange, Namespace, PersistentVolume, ResourceQuota, ServiceAccount,
};
use k8s_openapi::api::networking::v1::{IngressClass, NetworkPolicy};
use k8s_openapi::api::rbac::v1::{ClusterRoleBinding, Role, RoleBinding};
use kube::api::{DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use kube::{Api, Client, Config};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::cluster::is_dns_label;

// Only its tests run it (they write and compare deploy/rbac/kubelab-rbac.yaml).
#[cfg_attr(not(test), allow(dead_code))]
pub mod deploy;
mod error;
mod kubeconfig;
mod model;
mod objects;
mod policies;
mod shared;

use error::classify;
pub use error::{NameKind, Op, ProvisionError};
use kubeconfig::*;
pub use model::*;
use objects::*;
use shared::cluster_wide_objects;
use shared::{api_resource, SPEC_HASH, VALIDATING};

/// Sets up and tears down learner namespaces. Cheap to clone.
#[derive(Clone)]
pub struct Provisioner {
    client: Client,
    /// The API server as kubelab reaches it (for messages).
    url: String,
    /// The API server as learners reach it (for kubeconfigs).
    server_url: String,
    ca: ClusterCa,
    tls_server_name: Option<String>,
    options: ProvisionOptions,
    /// Acts as a learner would (impersonated), to see the admission policies at work.
    probe: Option<Client>,
    /// kubelab's own configuration, from which clients acting as a learner are made.
    kube_config: Config,
    /// Set once the probe has seen the policies mutate and refuse: a freshly created policy is
    /// enforced only when the API server's informers have it, a moment after it is stored.
    policies_live: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl std::fmt::Debug for Provisioner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provisioner")
            .field("url", &self.url)
            .field("server_url", &self.server_url)
            .finish()
    }
}

impl Provisioner {
    /// `client` needs the rights of `deploy/rbac/kubelab-rbac.yaml` (docs/SECURITY.md lists them);
    /// `kube_config` is its configuration, whose URL and CA downloaded kubeconfigs use unless
    /// `options` say otherwise. Does no network I/O.
    pub fn new(client: Client, kube_config: &Config, options: ProvisionOptions) -> Provisioner {
        let url = kube_config
            .cluster_url
            .to_string()
            .trim_end_matches('/')
            .to_string();
        let server_url = options
            .public_server_url
            .clone()
            .unwrap_or_else(|| url.clone());
        let ca = match &options.public_ca_data {
            Some(data) => ClusterCa::Data(data.clone()),
            None => ca_of(kube_config),
        };
        let mut probe_config = kube_config.clone();
        probe_config.auth_info.impersonate = Some(format!(
            "system:serviceaccount:{PROBE_NAMESPACE}:{SERVICE_ACCOUNT}"
        ));
        // No group: the ServiceAccount's own groups. Its RBAC comes from the shared ClusterRole
        // binding `kubelab-policy-probe`, so kubelab needs `impersonate` on one ServiceAccount only.
        probe_config.auth_info.impersonate_groups = None;
        let probe = match Client::try_from(probe_config) {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::warn!("no admission policy probe: {e}");
                None
            }
        };
        Provisioner {
            kube_config: kube_config.clone(),
            client,
            url,
            server_url,
            ca,
            tls_server_name: kube_config.tls_server_name.clone(),
            options,
            probe,
            policies_live: Default::default(),
        }
    }

    /// A client acting as the learner of `namespace` (impersonated, no groups): what kubelab
    /// writes on a learner's behalf (an exercise's setup) passes the learner's RBAC and admission
    /// policies, and kubelab needs no write rights on workloads of its own.
    pub fn learner_client(&self, namespace: &str) -> Result<Client, ProvisionError> {
        self.client_as_learner(namespace, self.kube_config.clone())
    }

    /// [`Provisioner::learner_client`] for a long-lived stream (the terminal's `pods/exec`):
    /// without the read and write timeouts of short requests, since a shell waiting for the
    /// learner to type is silent for as long as they think. kube's own pings keep the connection
    /// alive; the relay above decides when it is over.
    pub fn learner_stream_client(&self, namespace: &str) -> Result<Client, ProvisionError> {
        let mut config = self.kube_config.clone();
        config.read_timeout = None;
        config.write_timeout = None;
        self.client_as_learner(namespace, config)
    }

    fn client_as_learner(
        &self,
        namespace: &str,
        mut config: Config,
    ) -> Result<Client, ProvisionError> {
        check_namespace(namespace)?;
        config.auth_info.impersonate = Some(format!(
            "system:serviceaccount:{namespace}:{SERVICE_ACCOUNT}"
        ));
        config.auth_info.impersonate_groups = None;
        Client::try_from(config).map_err(|e| ProvisionError::Unreachable {
            url: self.url.clone(),
            cause: e.to_string(),
        })
    }

    /// Creates or repairs the learner's namespace and everything around it (see the module
    /// docs). Returns once the namespace is usable: its quota is counted and the cluster-wide
    /// policies are active.
    #[tracing::instrument(name = "provision_ensure", skip_all, fields(namespace = %learner.namespace, learner = %learner.learner_id))]
    pub async fn ensure(&self, learner: &LearnerNs<'_>) -> Result<(), ProvisionError> {
        validate(learner)?;
        let ns = learner.namespace;
        self.ensure_cluster_wide().await?;

        let namespaces: Api<Namespace> = Api::all(self.client.clone());
        if let Some(existing) = self
            .call(
                Op::Read,
                &describe("Namespace", None, ns),
                namespaces.get_opt(ns),
            )
            .await?
        {
            if !is_managed(&existing.metadata.labels) {
                return Err(ProvisionError::NotManaged {
                    namespace: ns.to_string(),
                });
            }
            if existing.metadata.deletion_timestamp.is_some() {
                return Err(ProvisionError::Terminating {
                    namespace: ns.to_string(),
                });
            }
        }
        self.apply(&namespaces, namespace_object(learner)).await?;

        let labels = labels(learner);
        let sas: Api<ServiceAccount> = Api::namespaced(self.client.clone(), ns);
        self.apply(&sas, service_account(ns, &labels)).await?;
        let bindings: Api<RoleBinding> = Api::namespaced(self.client.clone(), ns);
        self.apply(&bindings, role_binding(ns, &labels)).await?;
        // Earlier versions gave learners a Role of their own (with NetworkPolicy writes).
        let roles: Api<Role> = Api::namespaced(self.client.clone(), ns);
        self.delete_if_present(
            &bindings,
            &describe("RoleBinding", Some(ns), LEARNER_ROLE),
            LEARNER_ROLE,
        )
        .await?;
        self.delete_if_present(
            &roles,
            &describe("Role", Some(ns), LEARNER_ROLE),
            LEARNER_ROLE,
        )
        .await?;
        let network_policies: Api<NetworkPolicy> = Api::namespaced(self.client.clone(), ns);
        self.apply(
            &network_policies,
            network_policy(ns, &labels, &self.options.ingress_controller_namespaces),
        )
        .await?;
        let quotas: Api<ResourceQuota> = Api::namespaced(self.client.clone(), ns);
        self.apply(&quotas, resource_quota(ns, &labels, &self.options.quota))
            .await?;
        let limits: Api<LimitRange> = Api::namespaced(self.client.clone(), ns);
        self.apply(&limits, limit_range(ns, &labels, &self.options.quota))
            .await?;
        let cluster_bindings: Api<ClusterRoleBinding> = Api::all(self.client.clone());
        self.apply(&cluster_bindings, cluster_role_binding(ns, &labels))
            .await?;

        // Until the quota controller has counted the namespace and the ServiceAccount controller
        // has made `default`, the API server refuses every Pod ("status unknown for quota",
        // "serviceaccount default not found"): a learner's first `kubectl run` must not see that.
        let what = describe("ResourceQuota", Some(ns), QUOTA_NAME);
        self.settle(&what, || async {
            let quota = self.call(Op::Read, &what, quotas.get(QUOTA_NAME)).await?;
            Ok(quota_counted(&quota))
        })
        .await?;
        let what = describe("ServiceAccount", Some(ns), "default");
        self.settle(&what, || async {
            let sa = self.call(Op::Read, &what, sas.get_opt("default")).await?;
            Ok(sa.is_some())
        })
        .await?;
        tracing::info!("learner namespace ready");
        Ok(())
    }

    /// A kubeconfig (YAML) for the learner's ServiceAccount in `namespace`, with a fresh token
    /// that expires after `expiry` (kept within [`MIN_TOKEN_EXPIRY`]..=[`MAX_TOKEN_EXPIRY`]).
    #[tracing::instrument(name = "provision_kubeconfig", skip_all, fields(namespace = %namespace))]
    pub async fn kubeconfig(
        &self,
        namespace: &str,
        expiry: Duration,
    ) -> Result<String, ProvisionError> {
        check_namespace(namespace)?;
        // Only learner namespaces: a ServiceAccount named `learner` elsewhere is none of ours.
        let namespaces: Api<Namespace> = Api::all(self.client.clone());
        let existing = self
            .call(
                Op::Read,
                &describe("Namespace", None, namespace),
                namespaces.get_opt(namespace),
            )
            .await?;
        if !existing.is_some_and(|n| is_managed(&n.metadata.labels)) {
            return Err(ProvisionError::NotProvisioned {
                namespace: namespace.to_string(),
            });
        }
        let sas: Api<ServiceAccount> = Api::namespaced(self.client.clone(), namespace);
        let request = TokenRequest {
            spec: Some(TokenRequestSpec {
                expiration_seconds: Some(token_seconds(expiry)),
                ..Default::default()
            }),
            ..Default::default()
        };
        let object = describe("ServiceAccount", Some(namespace), SERVICE_ACCOUNT);
        let answer = match tokio::time::timeout(
            REQUEST_TIMEOUT,
            sas.create_token_request(SERVICE_ACCOUNT, &PostParams::default(), &request),
        )
        .await
        {
            Ok(Err(kube::Error::Api(status))) if status.code == 404 => {
                return Err(ProvisionError::NotProvisioned {
                    namespace: namespace.to_string(),
                })
            }
            other => self.answer(Op::RequestToken, &object, other)?,
        };
        let token = answer
            .status
            .and_then(|s| s.token)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ProvisionError::NoToken {
                url: self.url.clone(),
                namespace: namespace.to_string(),
            })?;
        Ok(kubeconfig_yaml(&KubeconfigParts {
            server: &self.server_url,
            ca: &self.ca,
            tls_server_name: self.tls_server_name.as_deref(),
            namespace,
            token: &token,
        }))
    }

    /// Deletes the learner's namespace and their cluster-scoped objects, waits until the
    /// namespace is gone (at most [`ProvisionOptions::reset_timeout`]), then sets it up afresh.
    /// Kubeconfigs downloaded before stop working (their ServiceAccount is a new one).
    #[tracing::instrument(name = "provision_reset", skip_all, fields(namespace = %learner.namespace, learner = %learner.learner_id))]
    pub async fn reset(&self, learner: &LearnerNs<'_>) -> Result<(), ProvisionError> {
        validate(learner)?;
        let ns = learner.namespace;
        self.delete_learner_objects(ns, false).await?;
        let namespaces: Api<Namespace> = Api::all(self.client.clone());
        let what = describe("Namespace", None, ns);
        let gone = async {
            let deadline = tokio::time::Instant::now() + self.options.reset_timeout;
            loop {
                if self
                    .call(Op::Read, &what, namespaces.get_opt(ns))
                    .await?
                    .is_none()
                {
                    return Ok(());
                }
                if tokio::time::Instant::now() >= deadline {
                    return Err(ProvisionError::NotReady {
                        what: format!("the deletion of {what}"),
                        secs: self.options.reset_timeout.as_secs(),
                    });
                }
                tokio::time::sleep(POLL_INTERVAL).await;
            }
        };
        gone.await?;
        self.ensure(learner).await
    }

    /// Removes the learner's namespace, their ClusterRoleBinding and the IngressClasses and
    /// PersistentVolumes they own. Returns once the deletions are accepted (the namespace
    /// finishes terminating in the background). Unknown namespaces are fine; a namespace
    /// kubelab did not create is refused.
    #[tracing::instrument(name = "provision_remove", skip_all, fields(namespace = %namespace))]
    pub async fn remove(&self, namespace: &str) -> Result<(), ProvisionError> {
        check_namespace(namespace)?;
        self.delete_learner_objects(namespace, true).await
    }

    /// Deletes what belongs to `ns`: its cluster-scoped objects, then the namespace (if kubelab
    /// manages it), and with `binding` the learner's ClusterRoleBinding.
    async fn delete_learner_objects(&self, ns: &str, binding: bool) -> Result<(), ProvisionError> {
        let namespaces: Api<Namespace> = Api::all(self.client.clone());
        let ns_what = describe("Namespace", None, ns);
        let existing = self
            .call(Op::Read, &ns_what, namespaces.get_opt(ns))
            .await?;
        if let Some(existing) = &existing {
            if !is_managed(&existing.metadata.labels) {
                return Err(ProvisionError::NotManaged {
                    namespace: ns.to_string(),
                });
            }
        }
        let owned = ListParams::default().labels(&format!("{OWNER_LABEL}={ns}"));
        let ingress_classes: Api<IngressClass> = Api::all(self.client.clone());
        self.call(
            Op::Delete,
            &format!("IngressClasses with label {OWNER_LABEL}={ns}"),
            ingress_classes.delete_collection(&DeleteParams::background(), &owned),
        )
        .await?;
        let volumes: Api<PersistentVolume> = Api::all(self.client.clone());
        self.call(
            Op::Delete,
            &format!("PersistentVolumes with label {OWNER_LABEL}={ns}"),
            volumes.delete_collection(&DeleteParams::background(), &owned),
        )
        .await?;
        if binding {
            let cluster_bindings: Api<ClusterRoleBinding> = Api::all(self.client.clone());
            let name = cluster_role_binding_name(ns);
            self.delete_if_present(
                &cluster_bindings,
                &describe("ClusterRoleBinding", None, &name),
                &name,
            )
            .await?;
        }
        if existing.is_some() {
            self.delete_if_present(&namespaces, &ns_what, ns).await?;
        }
        Ok(())
    }

    /// Makes sure the shared objects are there and current (writing them if they are not and
    /// kubelab may), the policies are type-checked, and the policies act on a learner's requests.
    pub(super) async fn ensure_cluster_wide(&self) -> Result<(), ProvisionError> {
        for value in cluster_wide_objects() {
            let ar = api_resource(&value);
            let api: Api<DynamicObject> = Api::all_with(self.client.clone(), &ar);
            let name = value["metadata"]["name"].as_str().unwrap_or_default();
            let what = describe(&ar.kind, None, name);
            let existing = self.call(Op::Read, &what, api.get_opt(name)).await?;
            let current = existing.as_ref().is_some_and(|o| {
                o.metadata
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get(SPEC_HASH))
                    .map(String::as_str)
                    == value["metadata"]["annotations"][SPEC_HASH].as_str()
            });
            if current {
                continue;
            }
            match self.apply(&api, value).await {
                Err(ProvisionError::Denied {
                    url,
                    op,
                    object,
                    code,
                    message,
                }) => {
                    return Err(ProvisionError::Denied {
                        url,
                        op,
                        object,
                        code,
                        message: format!(
                            "{message} (it is missing or out of date: an administrator applies deploy/rbac/kubelab-rbac.yaml)"
                        ),
                    })
                }
                other => other.map(|_| ())?,
            }
        }
        let validating: Api<ValidatingAdmissionPolicy> = Api::all(self.client.clone());
        for name in VALIDATING {
            // The API server type-checks a new policy before it enforces it; its status says when
            // that happened.
            let what = describe("ValidatingAdmissionPolicy", None, name);
            self.settle(&what, || async {
                let policy = self.call(Op::Read, &what, validating.get(name)).await?;
                Ok(policy_observed(&policy))
            })
            .await?;
        }
        self.wait_policies_live().await
    }

    /// Waits until the policies act on a learner's requests: a dry-run IngressClass with the
    /// learner prefix comes back owner-stamped, one without it is refused.
    async fn wait_policies_live(&self) -> Result<(), ProvisionError> {
        let Some(probe) = &self.probe else {
            return Ok(());
        };
        if self.policies_live.load(Ordering::Relaxed) {
            return Ok(());
        }
        let classes: Api<IngressClass> = Api::all(probe.clone());
        let dry_run = PostParams {
            dry_run: true,
            ..PostParams::default()
        };
        let class = |name: &str| -> Result<IngressClass, ProvisionError> {
            serde_json::from_value(json!({
                "apiVersion": "networking.k8s.io/v1",
                "kind": "IngressClass",
                "metadata": { "name": name },
                "spec": { "controller": "kubelab.dev/policy-probe" },
            }))
            .map_err(|e| ProvisionError::Api {
                url: self.url.clone(),
                op: Op::Apply,
                object: "IngressClass (policy probe)".into(),
                code: 0,
                message: e.to_string(),
            })
        };
        let prefixed = class(&format!("{PROBE_NAMESPACE}-probe"))?;
        let unprefixed = class("kubelab-policy-probe")?;
        let what = "the admission policies (a learner's dry-run IngressClass)";
        self.settle(what, || async {
            let stamped = match classes.create(&dry_run, &prefixed).await {
                Ok(c) => {
                    c.metadata.labels.as_ref().and_then(|l| l.get(OWNER_LABEL))
                        == Some(&PROBE_NAMESPACE.to_string())
                }
                // Credentials without the right to impersonate cannot probe: go on without the
                // wait rather than refuse every learner.
                Err(kube::Error::Api(s)) if s.code == 403 && s.message.contains("impersonate") => {
                    tracing::warn!("cannot probe the admission policies: {}", s.message);
                    return Ok(true);
                }
                // RBAC may not know the probe's binding yet, or the policies are not live yet.
                Err(kube::Error::Api(_)) => false,
                Err(e) => return Err(classify(&self.url, Op::Apply, what, e)),
            };
            let refused = matches!(
                classes.create(&dry_run, &unprefixed).await,
                Err(kube::Error::Api(ref s)) if s.code == 403 || s.code == 422
            );
            Ok(stamped && refused)
        })
        .await?;
        self.policies_live.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Server-side apply of `value` (which names its apiVersion, kind and metadata.name).
    async fn apply<K>(&self, api: &Api<K>, value: Value) -> Result<K, ProvisionError>
    where
        K: kube::Resource + Clone + DeserializeOwned + std::fmt::Debug,
    {
        let name = value["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let object = describe(
            value["kind"].as_str().unwrap_or_default(),
            value["metadata"]["namespace"].as_str(),
            &name,
        );
        let params = PatchParams::apply(FIELD_MANAGER).force();
        match tokio::time::timeout(
            REQUEST_TIMEOUT,
            api.patch(&name, &params, &Patch::Apply(&value)),
        )
        .await
        {
            // A missing API (not a missing object: apply creates) means an older cluster.
            Ok(Err(kube::Error::Api(status))) if status.code == 404 && is_admission_api(&value) => {
                Err(ProvisionError::Unsupported {
                    url: self.url.clone(),
                    object,
                    message: status.message.clone(),
                })
            }
            other => self.answer(Op::Apply, &object, other),
        }
    }

    async fn delete_if_present<K>(
        &self,
        api: &Api<K>,
        object: &str,
        name: &str,
    ) -> Result<(), ProvisionError>
    where
        K: kube::Resource + Clone + DeserializeOwned + std::fmt::Debug,
    {
        match tokio::time::timeout(
            REQUEST_TIMEOUT,
            api.delete(name, &DeleteParams::background()),
        )
        .await
        {
            Ok(Err(kube::Error::Api(status))) if status.code == 404 => Ok(()),
            other => self.answer(Op::Delete, object, other).map(|_| ()),
        }
    }

    /// One API call with [`REQUEST_TIMEOUT`], its error classified.
    async fn call<T>(
        &self,
        op: Op,
        object: &str,
        request: impl Future<Output = Result<T, kube::Error>>,
    ) -> Result<T, ProvisionError> {
        let answer = tokio::time::timeout(REQUEST_TIMEOUT, request).await;
        self.answer(op, object, answer)
    }

    fn answer<T>(
        &self,
        op: Op,
        object: &str,
        answer: Result<Result<T, kube::Error>, tokio::time::error::Elapsed>,
    ) -> Result<T, ProvisionError> {
        match answer {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                let e = classify(&self.url, op, object, e);
                tracing::warn!(error = %e, "cluster request failed");
                Err(e)
            }
            Err(_) => Err(ProvisionError::Timeout {
                url: self.url.clone(),
                secs: REQUEST_TIMEOUT.as_secs(),
            }),
        }
    }

    /// Polls `ready` until it says yes, for at most [`SETTLE_TIMEOUT`].
    async fn settle<F, Fut>(&self, what: &str, mut ready: F) -> Result<(), ProvisionError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<bool, ProvisionError>>,
    {
        let deadline = tokio::time::Instant::now() + SETTLE_TIMEOUT;
        loop {
            if ready().await? {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(ProvisionError::NotReady {
                    what: what.to_string(),
                    secs: SETTLE_TIMEOUT.as_secs(),
                });
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }
}

fn validate(learner: &LearnerNs<'_>) -> Result<(), ProvisionError> {
    check_namespace(learner.namespace)?;
    if !is_label_value(learner.learner_id) || learner.learner_id.is_empty() {
        return Err(ProvisionError::BadName {
            kind: NameKind::Learner,
            value: learner.learner_id.to_string(),
        });
    }
    if let Some(c) = learner.classroom_id {
        if !is_label_value(c) || c.is_empty() {
            return Err(ProvisionError::BadName {
                kind: NameKind::Classroom,
                value: c.to_string(),
            });
        }
    }
    Ok(())
}

fn check_namespace(namespace: &str) -> Result<(), ProvisionError> {
    if is_dns_label(namespace) {
        Ok(())
    } else {
        Err(ProvisionError::BadName {
            kind: NameKind::Namespace,
            value: namespace.to_string(),
        })
    }
}

/// A label value: at most 63 of `[A-Za-z0-9._-]`, starting and ending alphanumeric (or empty).
fn is_label_value(s: &str) -> bool {
    let alnum = |c: Option<char>| c.is_none_or(|c| c.is_ascii_alphanumeric());
    s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && alnum(s.chars().next())
        && alnum(s.chars().last())
}

fn is_admission_api(value: &Value) -> bool {
    value["apiVersion"]
        .as_str()
        .is_some_and(|v| v.starts_with("admissionregistration.k8s.io/"))
}

fn is_managed(labels: &Option<std::collections::BTreeMap<String, String>>) -> bool {
    labels
        .as_ref()
        .and_then(|l| l.get(MANAGED_BY))
        .is_some_and(|v| v == MANAGED_BY_VALUE)
}

/// "Role kl-a/kubelab-learner", "ClusterRole kubelab-learner".
fn describe(kind: &str, namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}

fn token_seconds(expiry: Duration) -> i64 {
    let secs = expiry.clamp(MIN_TOKEN_EXPIRY, MAX_TOKEN_EXPIRY).as_secs();
    i64::try_from(secs).unwrap_or(i64::MAX)
}

/// Whether the quota controller has filled in the quota's status for every limit in its spec.
fn quota_counted(quota: &ResourceQuota) -> bool {
    let want = quota.spec.as_ref().and_then(|s| s.hard.as_ref());
    let have = quota.status.as_ref().and_then(|s| s.hard.as_ref());
    match (want, have) {
        (Some(want), Some(have)) => want.iter().all(|(k, v)| have.get(k) == Some(v)),
        (None, _) => true,
        (Some(_), None) => false,
    }
}

fn policy_observed(policy: &ValidatingAdmissionPolicy) -> bool {
    let generation = policy.metadata.generation.unwrap_or(0);
    policy
        .status
        .as_ref()
        .and_then(|s| s.observed_generation)
        .is_some_and(|g| g >= generation)
}

#[cfg(test)]
mod apply_tests;
#[cfg(test)]
mod hardening_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod toolbox_tests;
