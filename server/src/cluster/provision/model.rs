//! What a learner namespace is made of, as names and numbers: the labels and object names
//! kubelab uses, the quota, the options, and which learner is meant.

use std::time::Duration;

/// The namespace of the policy probe's impersonated user (`system:serviceaccount:<it>:learner`),
/// which matches the policies' learner condition. No such namespace needs to exist.
pub const PROBE_NAMESPACE: &str = "kubelab-probe";
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
/// The shared ClusterRole of learners' cluster-scoped rights (bound per learner by a
/// ClusterRoleBinding), and the name of the Role and RoleBinding earlier versions created in each
/// learner namespace (deleted by `ensure`).
pub const LEARNER_ROLE: &str = "kubelab-learner";
/// The shared ClusterRole of learners' rights inside their namespace, bound in each learner
/// namespace by a RoleBinding of the same name: kubelab holds `bind` on it, not its rights.
pub const LEARNER_NAMESPACED_ROLE: &str = "kubelab-learner-namespaced";
/// The NetworkPolicy in each learner namespace: ingress only from the namespace itself and from
/// the ingress controller's namespace.
pub const ISOLATION_POLICY: &str = "kubelab-isolation";
pub(super) const QUOTA_NAME: &str = "kubelab-quota";
pub(super) const LIMITS_NAME: &str = "kubelab-limits";
pub(super) const OWNER_POLICY: &str = "kubelab-learner-owner";
pub(super) const INGRESSCLASS_POLICY: &str = "kubelab-learner-ingressclasses";
pub(super) const PV_POLICY: &str = "kubelab-learner-persistentvolumes";
pub(super) const PV_BINDING_POLICY: &str = "kubelab-learner-volume-binding";
pub(super) const SERVICE_POLICY: &str = "kubelab-learner-services";
pub(super) const SECRET_POLICY: &str = "kubelab-learner-secrets";
pub(super) const DEFAULT_INGRESSCLASS_ANNOTATION: &str =
    "ingressclass.kubernetes.io/is-default-class";

/// Where the course's Ingress chapter installs the NGINX Ingress Controller (nginx.org).
pub const DEFAULT_INGRESS_CONTROLLER_NAMESPACE: &str = "nginx-ingress";

/// One request to the API server must answer within this.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long `ensure` waits for the controllers to pick up new objects (quota usage, policies).
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Downloaded tokens live at least this long (the API server's own minimum)…
pub const MIN_TOKEN_EXPIRY: Duration = Duration::from_secs(10 * 60);
/// …and at most this long: a lost kubeconfig is useless after a day.
pub const MAX_TOKEN_EXPIRY: Duration = Duration::from_secs(24 * 60 * 60);
pub(super) const POLL_INTERVAL: Duration = Duration::from_millis(250);

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
    /// Object counts (`count/<resource>.<group>` in the quota) of everything else a learner may
    /// create, so a loop cannot fill etcd: `("deployments.apps", 20)`.
    pub counts: Vec<(&'static str, u32)>,
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
            // The largest exercise keeps 2 Deployments, 1 DaemonSet and a handful of Services;
            // every rollout keeps up to 10 old ReplicaSets per Deployment.
            counts: vec![
                ("deployments.apps", 20),
                ("replicasets.apps", 100),
                ("daemonsets.apps", 5),
                ("statefulsets.apps", 5),
                ("controllerrevisions.apps", 50),
                ("jobs.batch", 20),
                ("cronjobs.batch", 5),
                ("ingresses.networking.k8s.io", 10),
                ("horizontalpodautoscalers.autoscaling", 5),
                ("poddisruptionbudgets.policy", 5),
            ],
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
    /// The namespaces whose Pods may reach learners' Pods besides their own (the ingress
    /// controller's), in each learner namespace's NetworkPolicy.
    pub ingress_controller_namespaces: Vec<String>,
}

impl Default for ProvisionOptions {
    fn default() -> Self {
        ProvisionOptions {
            public_server_url: None,
            public_ca_data: None,
            quota: Quota::default(),
            reset_timeout: Duration::from_secs(120),
            ingress_controller_namespaces: vec![DEFAULT_INGRESS_CONTROLLER_NAMESPACE.to_string()],
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
