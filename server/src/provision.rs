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
use std::time::Duration;

use k8s_openapi::api::admissionregistration::v1::{
    MutatingAdmissionPolicy, MutatingAdmissionPolicyBinding, ValidatingAdmissionPolicy,
    ValidatingAdmissionPolicyBinding,
};
use k8s_openapi::api::authentication::v1::{TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{
    LimitRange, Namespace, PersistentVolume, ResourceQuota, ServiceAccount,
};
use k8s_openapi::api::networking::v1::IngressClass;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::ByteString;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::{Api, Client, Config};
use kubelab_checks::Text;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::cluster::{cause_zh, is_dns_label, root_cause};

/// The field manager of every server-side apply.
pub const FIELD_MANAGER: &str = "kubelab";
/// Label (with value [`MANAGED_BY_VALUE`]) on everything kubelab creates.
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const MANAGED_BY_VALUE: &str = "kubelab";
/// The learner's id, on the namespace and everything in it.
pub const LEARNER_LABEL: &str = "kubelab.dev/learner";
/// The classroom's id, on the namespace, when the learner is in one.
pub const CLASSROOM_LABEL: &str = "kubelab.dev/classroom";
/// The learner namespace a cluster-scoped object belongs to: set by kubelab on its
/// ClusterRoleBinding, and by the admission policy on the learner's IngressClasses and PVs.
pub const OWNER_LABEL: &str = "kubelab.dev/namespace";
/// The learner's ServiceAccount, which downloaded kubeconfigs authenticate as.
pub const SERVICE_ACCOUNT: &str = "learner";
/// The Role (in each learner namespace) and the shared ClusterRole for learners.
pub const LEARNER_ROLE: &str = "kubelab-learner";
const QUOTA_NAME: &str = "kubelab-quota";
const LIMITS_NAME: &str = "kubelab-limits";
const OWNER_POLICY: &str = "kubelab-learner-owner";
const INGRESSCLASS_POLICY: &str = "kubelab-learner-ingressclasses";
const PV_POLICY: &str = "kubelab-learner-persistentvolumes";
const DEFAULT_INGRESSCLASS_ANNOTATION: &str = "ingressclass.kubernetes.io/is-default-class";

/// One request to the API server must answer within this.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long `ensure` waits for the controllers to pick up new objects (quota usage, policies).
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Downloaded tokens live at least this long (the API server's own minimum)…
pub const MIN_TOKEN_EXPIRY: Duration = Duration::from_secs(10 * 60);
/// …and at most this long: a lost kubeconfig is useless after a day.
pub const MAX_TOKEN_EXPIRY: Duration = Duration::from_secs(24 * 60 * 60);
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// The resource budget of one learner namespace (a ResourceQuota and a LimitRange).
/// Quantities are Kubernetes quantity strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    pub pods: u32,
    pub services: u32,
    pub node_ports: u32,
    pub load_balancers: u32,
    pub persistent_volume_claims: u32,
    pub config_maps: u32,
    pub secrets: u32,
    /// Sum over all Pods' containers.
    pub requests_cpu: String,
    pub requests_memory: String,
    pub limits_cpu: String,
    pub limits_memory: String,
    /// Sum over all PersistentVolumeClaims.
    pub requests_storage: String,
    /// Given to containers that state no requests/limits, so the quota admits them.
    pub default_request_cpu: String,
    pub default_request_memory: String,
    pub default_limit_cpu: String,
    pub default_limit_memory: String,
    /// The most one container may ask for.
    pub max_cpu: String,
    pub max_memory: String,
}

impl Default for Quota {
    /// Enough for every exercise of the course at once (the largest keeps about ten Pods), small
    /// enough that 20 Pods with default resources fit the sums: 20 × 50m/64Mi requests,
    /// 20 × 250m/256Mi limits.
    fn default() -> Self {
        Quota {
            pods: 20,
            services: 10,
            node_ports: 3,
            load_balancers: 0,
            persistent_volume_claims: 5,
            config_maps: 20,
            secrets: 20,
            requests_cpu: "2".into(),
            requests_memory: "2Gi".into(),
            limits_cpu: "5".into(),
            limits_memory: "5Gi".into(),
            requests_storage: "1Gi".into(),
            default_request_cpu: "50m".into(),
            default_request_memory: "64Mi".into(),
            default_limit_cpu: "250m".into(),
            default_limit_memory: "256Mi".into(),
            max_cpu: "1".into(),
            max_memory: "1Gi".into(),
        }
    }
}

/// How learner namespaces are set up.
#[derive(Debug, Clone)]
pub struct ProvisionOptions {
    /// The API server URL written into downloaded kubeconfigs (default: the URL kubelab itself
    /// uses, which is wrong when kubelab runs inside the cluster).
    pub public_server_url: Option<String>,
    /// The CA bundle (base64 of PEM, as `certificate-authority-data`) for downloaded kubeconfigs
    /// (default: the CA kubelab itself trusts).
    pub public_ca_data: Option<String>,
    pub quota: Quota,
    /// How long `reset` waits for the old namespace to be gone.
    pub reset_timeout: Duration,
}

impl Default for ProvisionOptions {
    fn default() -> Self {
        ProvisionOptions {
            public_server_url: None,
            public_ca_data: None,
            quota: Quota::default(),
            reset_timeout: Duration::from_secs(120),
        }
    }
}

/// The learner whose namespace is meant.
#[derive(Debug, Clone, Copy)]
pub struct LearnerNs<'a> {
    pub namespace: &'a str,
    pub learner_id: &'a str,
    pub classroom_id: Option<&'a str>,
}

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

/// The CA that downloaded kubeconfigs trust.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ClusterCa {
    /// base64 of a PEM bundle.
    Data(String),
    /// kubelab itself skips verification; so do the kubeconfigs.
    Insecure,
    /// The system's roots (a publicly trusted certificate).
    System,
}

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
    /// Set once the probe has seen the policies mutate and refuse: a freshly created policy is
    /// enforced only when the API server's informers have it, a moment after it is stored.
    policies_live: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// The impersonated user of the policy probe: it matches the policies' learner condition.
const PROBE_NAMESPACE: &str = "kubelab-probe";

impl std::fmt::Debug for Provisioner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provisioner")
            .field("url", &self.url)
            .field("server_url", &self.server_url)
            .finish()
    }
}

impl Provisioner {
    /// `client` needs the rights listed in docs/ARCHITECTURE.md (cluster-admin is simplest);
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
        // RBAC is not what the probe tests: the group lets its dry-run requests reach admission.
        probe_config.auth_info.impersonate_groups = Some(vec!["system:masters".to_string()]);
        let probe = match Client::try_from(probe_config) {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::warn!("no admission policy probe: {e}");
                None
            }
        };
        Provisioner {
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

    /// Waits until the policies act on a learner's requests: a dry-run IngressClass with the
    /// learner prefix comes back owner-stamped, one without it is refused.
    async fn wait_policies_live(&self) -> Result<(), ProvisionError> {
        use std::sync::atomic::Ordering;
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
        let roles: Api<Role> = Api::namespaced(self.client.clone(), ns);
        self.apply(&roles, role(ns, &labels)).await?;
        let bindings: Api<RoleBinding> = Api::namespaced(self.client.clone(), ns);
        self.apply(&bindings, role_binding(ns, &labels)).await?;
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

    /// The ClusterRole and the admission policies all learners share.
    async fn ensure_cluster_wide(&self) -> Result<(), ProvisionError> {
        let cluster_roles: Api<ClusterRole> = Api::all(self.client.clone());
        self.apply(&cluster_roles, cluster_role()).await?;
        let mutating: Api<MutatingAdmissionPolicy> = Api::all(self.client.clone());
        self.apply(&mutating, owner_policy()).await?;
        let mutating_bindings: Api<MutatingAdmissionPolicyBinding> = Api::all(self.client.clone());
        self.apply(
            &mutating_bindings,
            policy_binding("MutatingAdmissionPolicyBinding", OWNER_POLICY),
        )
        .await?;
        let validating: Api<ValidatingAdmissionPolicy> = Api::all(self.client.clone());
        let validating_bindings: Api<ValidatingAdmissionPolicyBinding> =
            Api::all(self.client.clone());
        for (name, policy) in [
            (INGRESSCLASS_POLICY, ingress_class_policy()),
            (PV_POLICY, persistent_volume_policy()),
        ] {
            self.apply(&validating, policy).await?;
            self.apply(
                &validating_bindings,
                policy_binding("ValidatingAdmissionPolicyBinding", name),
            )
            .await?;
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

/// Maps a kube error to its cause: unreachable, denied, quota, terminating namespace, or other.
fn classify(url: &str, op: Op, object: &str, e: kube::Error) -> ProvisionError {
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

/// base64 of `bytes` (k8s-openapi's byte strings serialize as base64).
fn base64(bytes: &[u8]) -> String {
    match serde_json::to_value(ByteString(bytes.to_vec())) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// DER certificates → one PEM bundle.
fn pem_bundle(ders: &[Vec<u8>]) -> String {
    let mut out = String::new();
    for der in ders {
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        let b64 = base64(der);
        for line in b64.as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out
}

fn ca_of(config: &Config) -> ClusterCa {
    if config.accept_invalid_certs {
        return ClusterCa::Insecure;
    }
    if let Some(ders) = config.root_cert.as_ref().filter(|d| !d.is_empty()) {
        return ClusterCa::Data(base64(pem_bundle(ders).as_bytes()));
    }
    if let Some(path) = &config.root_cert_file {
        match std::fs::read(path) {
            Ok(pem) => return ClusterCa::Data(base64(&pem)),
            Err(e) => tracing::warn!(
                path = %path.display(),
                error = %e,
                "cannot read the cluster CA; downloaded kubeconfigs will trust the system roots"
            ),
        }
    }
    ClusterCa::System
}

struct KubeconfigParts<'a> {
    server: &'a str,
    ca: &'a ClusterCa,
    tls_server_name: Option<&'a str>,
    namespace: &'a str,
    token: &'a str,
}

/// A YAML scalar in double quotes (a JSON string is a valid one).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The kubeconfig text: one cluster, one user (the token), one context in the learner's namespace.
fn kubeconfig_yaml(p: &KubeconfigParts<'_>) -> String {
    let mut cluster = format!("    server: {}\n", quoted(p.server));
    match p.ca {
        ClusterCa::Data(data) => cluster.push_str(&format!(
            "    certificate-authority-data: {}\n",
            quoted(data)
        )),
        ClusterCa::Insecure => cluster.push_str("    insecure-skip-tls-verify: true\n"),
        ClusterCa::System => {}
    }
    if let Some(name) = p.tls_server_name {
        cluster.push_str(&format!("    tls-server-name: {}\n", quoted(name)));
    }
    let user = quoted(&format!("kubelab-{}", p.namespace));
    let context = user.clone();
    format!(
        "# kubelab — namespace {ns}. The token expires: when kubectl says Unauthorized, download a new file.\n\
         # 令牌会过期：kubectl 提示 Unauthorized 时，请重新下载此文件。\n\
         apiVersion: v1\n\
         kind: Config\n\
         clusters:\n\
         - name: kubelab\n  cluster:\n{cluster}\
         users:\n\
         - name: {user}\n  user:\n    token: {token}\n\
         contexts:\n\
         - name: {context}\n  context:\n    cluster: kubelab\n    user: {user}\n    namespace: {ns_q}\n\
         current-context: {context}\n",
        ns = p.namespace,
        ns_q = quoted(p.namespace),
        token = quoted(p.token),
    )
}

// ---- the objects (pure) ----

type Labels = serde_json::Map<String, Value>;

/// The labels on everything kubelab creates for a learner.
fn labels(learner: &LearnerNs<'_>) -> Labels {
    let mut l = Labels::new();
    l.insert(MANAGED_BY.into(), MANAGED_BY_VALUE.into());
    l.insert(LEARNER_LABEL.into(), learner.learner_id.into());
    l.insert(OWNER_LABEL.into(), learner.namespace.into());
    if let Some(c) = learner.classroom_id {
        l.insert(CLASSROOM_LABEL.into(), c.into());
    }
    l
}

fn namespace_object(learner: &LearnerNs<'_>) -> Value {
    let mut l = labels(learner);
    l.remove(OWNER_LABEL);
    // Baseline forbids privileged Pods, host namespaces and hostPath volumes in Pods: a learner
    // must not reach the node (or other learners) through a Pod.
    l.insert(
        "pod-security.kubernetes.io/enforce".into(),
        "baseline".into(),
    );
    json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": { "name": learner.namespace, "labels": l },
    })
}

fn service_account(ns: &str, labels: &Labels) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": { "name": SERVICE_ACCOUNT, "namespace": ns, "labels": labels },
        // The learner's credentials are for kubectl, not for Pods that happen to name this account.
        "automountServiceAccountToken": false,
    })
}

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];

/// What the course needs inside the learner's namespace: workloads, Services, Ingresses,
/// configuration, storage claims, and kubectl's exec/logs/port-forward. Not: RBAC, quotas,
/// ServiceAccount tokens.
fn role(ns: &str, labels: &Labels) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": { "name": LEARNER_ROLE, "namespace": ns, "labels": labels },
        "rules": [
            { "apiGroups": [""], "resources": ["pods", "services", "configmaps", "secrets", "persistentvolumeclaims"], "verbs": WRITE },
            { "apiGroups": [""], "resources": ["pods/exec", "pods/attach", "pods/portforward"], "verbs": ["get", "create"] },
            { "apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["get", "patch", "update"] },
            { "apiGroups": [""], "resources": ["pods/log", "pods/status", "services/status", "endpoints", "events", "serviceaccounts", "resourcequotas", "limitranges", "persistentvolumeclaims/status"], "verbs": READ },
            { "apiGroups": ["apps"], "resources": ["deployments", "replicasets", "daemonsets", "statefulsets", "deployments/scale", "replicasets/scale", "statefulsets/scale"], "verbs": WRITE },
            { "apiGroups": ["apps"], "resources": ["deployments/status", "replicasets/status", "daemonsets/status", "statefulsets/status", "controllerrevisions"], "verbs": READ },
            { "apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": WRITE },
            { "apiGroups": ["networking.k8s.io"], "resources": ["ingresses", "networkpolicies"], "verbs": WRITE },
            { "apiGroups": ["networking.k8s.io"], "resources": ["ingresses/status"], "verbs": READ },
            { "apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": READ },
            { "apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"], "verbs": WRITE },
            { "apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": WRITE },
            { "apiGroups": ["events.k8s.io"], "resources": ["events"], "verbs": READ },
            { "apiGroups": ["metrics.k8s.io"], "resources": ["pods"], "verbs": READ },
        ],
    })
}

fn role_binding(ns: &str, labels: &Labels) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": { "name": LEARNER_ROLE, "namespace": ns, "labels": labels },
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": LEARNER_ROLE },
        "subjects": [{ "kind": "ServiceAccount", "name": SERVICE_ACCOUNT, "namespace": ns }],
    })
}

fn resource_quota(ns: &str, labels: &Labels, q: &Quota) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": { "name": QUOTA_NAME, "namespace": ns, "labels": labels },
        "spec": { "hard": {
            "pods": q.pods.to_string(),
            "services": q.services.to_string(),
            "services.nodeports": q.node_ports.to_string(),
            "services.loadbalancers": q.load_balancers.to_string(),
            "persistentvolumeclaims": q.persistent_volume_claims.to_string(),
            "configmaps": q.config_maps.to_string(),
            "secrets": q.secrets.to_string(),
            "requests.cpu": q.requests_cpu,
            "requests.memory": q.requests_memory,
            "limits.cpu": q.limits_cpu,
            "limits.memory": q.limits_memory,
            "requests.storage": q.requests_storage,
        }},
    })
}

fn limit_range(ns: &str, labels: &Labels, q: &Quota) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": { "name": LIMITS_NAME, "namespace": ns, "labels": labels },
        "spec": { "limits": [{
            "type": "Container",
            "defaultRequest": { "cpu": q.default_request_cpu, "memory": q.default_request_memory },
            "default": { "cpu": q.default_limit_cpu, "memory": q.default_limit_memory },
            "max": { "cpu": q.max_cpu, "memory": q.max_memory },
        }]},
    })
}

/// Shared by all learners, bound to each by a ClusterRoleBinding. The writes are narrowed to the
/// learner's own names by the admission policies.
fn cluster_role() -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": { "name": LEARNER_ROLE, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
        "rules": [
            { "apiGroups": [""], "resources": ["nodes", "persistentvolumes"], "verbs": READ },
            { "apiGroups": ["storage.k8s.io"], "resources": ["storageclasses"], "verbs": READ },
            { "apiGroups": ["networking.k8s.io"], "resources": ["ingressclasses"], "verbs": READ },
            { "apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["create", "update", "patch", "delete"] },
            { "apiGroups": ["networking.k8s.io"], "resources": ["ingressclasses"], "verbs": ["create", "update", "patch", "delete"] },
        ],
    })
}

fn cluster_role_binding_name(ns: &str) -> String {
    format!("{LEARNER_ROLE}-{ns}")
}

fn cluster_role_binding(ns: &str, labels: &Labels) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": { "name": cluster_role_binding_name(ns), "labels": labels },
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": LEARNER_ROLE },
        "subjects": [{ "kind": "ServiceAccount", "name": SERVICE_ACCOUNT, "namespace": ns }],
    })
}

/// The policies apply to requests of a learner ServiceAccount (any namespace's `learner`).
fn learner_condition() -> Value {
    json!([{
        "name": "learner-service-account",
        "expression": format!(
            "request.userInfo.username.startsWith('system:serviceaccount:') && request.userInfo.username.endsWith(':{SERVICE_ACCOUNT}')"
        ),
    }])
}

/// `system:serviceaccount:<namespace>:learner` → `<namespace>`.
const LEARNER_NS_CEL: &str = "request.userInfo.username.split(':')[2]";

fn resource_rule(group: &str, resource: &str, operations: &[&str]) -> Value {
    json!({ "apiGroups": [group], "apiVersions": ["*"], "resources": [resource], "operations": operations })
}

/// Stamps the learner's namespace as owner label on the IngressClasses and PVs they create or
/// change, so ownership does not depend on names (`kl-a-b-x` starts with `kl-a-` too) and removal
/// finds them by label.
fn owner_policy() -> Value {
    let ops = ["CREATE", "UPDATE"];
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingAdmissionPolicy",
        "metadata": { "name": OWNER_POLICY, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
        "spec": {
            "matchConstraints": { "resourceRules": [
                resource_rule("networking.k8s.io", "ingressclasses", &ops),
                resource_rule("", "persistentvolumes", &ops),
            ]},
            "matchConditions": learner_condition(),
            "failurePolicy": "Fail",
            "reinvocationPolicy": "Never",
            "mutations": [{
                "patchType": "ApplyConfiguration",
                "applyConfiguration": { "expression": format!(
                    "Object{{metadata: Object.metadata{{labels: {{'{OWNER_LABEL}': {LEARNER_NS_CEL}}}}}}}"
                )},
            }],
        },
    })
}

/// The checks both kinds share: the name prefix, and that only the owner changes an object.
fn common_validations() -> Vec<Value> {
    vec![
        json!({
            "expression": "variables.name.startsWith(variables.prefix)",
            "messageExpression": "request.kind.kind + ' \"' + variables.name + '\": on this shared cluster the name must start with your namespace and a dash, \"' + variables.prefix + '\" (for example \"' + variables.prefix + variables.name + '\"). 共享集群上这个名字必须以你的命名空间加 - 开头：「' + variables.prefix + '」（例如「' + variables.prefix + variables.name + '」）。'",
            "reason": "Forbidden",
        }),
        json!({
            "expression": "request.operation == 'CREATE' || variables.owner == variables.ns",
            "messageExpression": "request.kind.kind + ' \"' + variables.name + '\" ' + (variables.owner == '' ? 'was not created by a learner' : 'belongs to namespace ' + variables.owner) + ', not to yours (' + variables.ns + '). 它' + (variables.owner == '' ? '不是学员创建的' : '属于命名空间 ' + variables.owner) + '，不属于你的命名空间（' + variables.ns + '）。'",
            "reason": "Forbidden",
        }),
    ]
}

fn validating_policy(name: &str, group: &str, resource: &str, extra: Vec<Value>) -> Value {
    let mut validations = common_validations();
    validations.extend(extra);
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": { "name": name, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": { "resourceRules": [
                resource_rule(group, resource, &["CREATE", "UPDATE", "DELETE"]),
            ]},
            "matchConditions": learner_condition(),
            "variables": [
                { "name": "ns", "expression": LEARNER_NS_CEL },
                { "name": "prefix", "expression": "variables.ns + '-'" },
                // DELETE has no new object, CREATE no old one.
                { "name": "name", "expression": "object != null ? object.metadata.name : oldObject.metadata.name" },
                { "name": "owner", "expression": format!(
                    "oldObject != null && has(oldObject.metadata.labels) && '{OWNER_LABEL}' in oldObject.metadata.labels ? oldObject.metadata.labels['{OWNER_LABEL}'] : ''"
                )},
            ],
            "validations": validations,
        },
    })
}

/// A learner's IngressClass must not become the cluster's default (every learner's Ingresses
/// without a class would get it).
fn ingress_class_policy() -> Value {
    validating_policy(
        INGRESSCLASS_POLICY,
        "networking.k8s.io",
        "ingressclasses",
        vec![json!({
            "expression": format!(
                "object == null || !has(object.metadata.annotations) || !('{DEFAULT_INGRESSCLASS_ANNOTATION}' in object.metadata.annotations) || object.metadata.annotations['{DEFAULT_INGRESSCLASS_ANNOTATION}'] != 'true'"
            ),
            "message": format!(
                "a learner's IngressClass must not be the cluster's default (remove the annotation {DEFAULT_INGRESSCLASS_ANNOTATION}). 学员的 IngressClass 不能成为集群默认（去掉注解 {DEFAULT_INGRESSCLASS_ANNOTATION}）。"
            ),
            "reason": "Forbidden",
        })],
    )
}

/// A learner's PV may only be a hostPath/local directory under `/tmp/<namespace>-`, and may only be
/// reserved for a claim in their own namespace: other PV sources, other directories of the node,
/// or pre-binding a classmate's claim are refused.
fn persistent_volume_policy() -> Value {
    let path = "object == null ? '' : has(object.spec.hostPath) ? object.spec.hostPath.path : has(object.spec.local) ? object.spec.local.path : ''";
    let mut policy = validating_policy(
        PV_POLICY,
        "",
        "persistentvolumes",
        vec![
            json!({
                "expression": "object == null || (variables.path.startsWith('/tmp/' + variables.prefix) && !variables.path.contains('..'))",
                "messageExpression": "'PersistentVolume \"' + variables.name + '\": on this shared cluster a PersistentVolume must be a hostPath (or local) directory under \"/tmp/' + variables.prefix + '\" (for example \"/tmp/' + variables.prefix + 'host-10m-pv/\"). 共享集群上 PersistentVolume 只能是「/tmp/' + variables.prefix + '」下的 hostPath（或 local）目录（例如「/tmp/' + variables.prefix + 'host-10m-pv/」）。'",
                "reason": "Forbidden",
            }),
            json!({
                "expression": "object == null || !has(object.spec.claimRef) || (has(object.spec.claimRef.namespace) && object.spec.claimRef.namespace == variables.ns)",
                "messageExpression": "'PersistentVolume \"' + variables.name + '\": spec.claimRef may only name a claim in your namespace ' + variables.ns + '. spec.claimRef 只能指向你的命名空间 ' + variables.ns + ' 里的 PVC。'",
                "reason": "Forbidden",
            }),
        ],
    );
    if let Some(vars) = policy["spec"]["variables"].as_array_mut() {
        vars.push(json!({ "name": "path", "expression": path }));
    }
    policy
}

fn policy_binding(kind: &str, policy: &str) -> Value {
    let mut spec = json!({ "policyName": policy });
    if kind == "ValidatingAdmissionPolicyBinding" {
        spec["validationActions"] = json!(["Deny"]);
    }
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": kind,
        "metadata": { "name": policy, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
        "spec": spec,
    })
}

#[cfg(test)]
mod tests;
