//! The objects of a learner namespace, as pure functions of the learner (desired state, as in
//! kube-rs' controller-rs): Namespace, ServiceAccount, Role and bindings, quota and limits.

use serde_json::{json, Value};

use super::model::*;

// ---- the objects (pure) ----

pub(super) type Labels = serde_json::Map<String, Value>;

/// The labels on everything kubelab creates for a learner.
pub(super) fn labels(learner: &LearnerNs<'_>) -> Labels {
    let mut l = Labels::new();
    l.insert(MANAGED_BY.into(), MANAGED_BY_VALUE.into());
    l.insert(LEARNER_LABEL.into(), learner.learner_id.into());
    l.insert(OWNER_LABEL.into(), learner.namespace.into());
    if let Some(c) = learner.classroom_id {
        l.insert(CLASSROOM_LABEL.into(), c.into());
    }
    l
}

pub(super) fn namespace_object(learner: &LearnerNs<'_>) -> Value {
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

pub(super) fn service_account(ns: &str, labels: &Labels) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": { "name": SERVICE_ACCOUNT, "namespace": ns, "labels": labels },
        // The learner's credentials are for kubectl, not for Pods that happen to name this account.
        "automountServiceAccountToken": false,
    })
}

pub(super) const READ: &[&str] = &["get", "list", "watch"];
pub(super) const WRITE: &[&str] = &[
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
/// ServiceAccount tokens, NetworkPolicies (read only: `kubelab-isolation` must stay).
///
/// One ClusterRole for every learner, bound inside each learner namespace by a RoleBinding: kubelab
/// needs only `bind` on it (docs/SECURITY.md, "kubelab's own rights").
pub(super) fn learner_namespaced_role() -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": { "name": LEARNER_NAMESPACED_ROLE, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
        "rules": [
            { "apiGroups": [""], "resources": ["pods", "services", "configmaps", "secrets", "persistentvolumeclaims"], "verbs": WRITE },
            { "apiGroups": [""], "resources": ["pods/exec", "pods/attach", "pods/portforward"], "verbs": ["get", "create"] },
            { "apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["get", "patch", "update"] },
            { "apiGroups": [""], "resources": ["pods/log", "pods/status", "services/status", "endpoints", "events", "serviceaccounts", "resourcequotas", "limitranges", "persistentvolumeclaims/status"], "verbs": READ },
            { "apiGroups": ["apps"], "resources": ["deployments", "replicasets", "daemonsets", "statefulsets", "deployments/scale", "replicasets/scale", "statefulsets/scale"], "verbs": WRITE },
            { "apiGroups": ["apps"], "resources": ["deployments/status", "replicasets/status", "daemonsets/status", "statefulsets/status", "controllerrevisions"], "verbs": READ },
            { "apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": WRITE },
            { "apiGroups": ["networking.k8s.io"], "resources": ["ingresses"], "verbs": WRITE },
            { "apiGroups": ["networking.k8s.io"], "resources": ["ingresses/status", "networkpolicies"], "verbs": READ },
            { "apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": READ },
            { "apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"], "verbs": WRITE },
            { "apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": WRITE },
            { "apiGroups": ["events.k8s.io"], "resources": ["events"], "verbs": READ },
            { "apiGroups": ["metrics.k8s.io"], "resources": ["pods"], "verbs": READ },
        ],
    })
}

pub(super) fn role_binding(ns: &str, labels: &Labels) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": { "name": LEARNER_NAMESPACED_ROLE, "namespace": ns, "labels": labels },
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": LEARNER_NAMESPACED_ROLE },
        "subjects": [{ "kind": "ServiceAccount", "name": SERVICE_ACCOUNT, "namespace": ns }],
    })
}

/// Ingress to the learner's Pods only from their own namespace and from the ingress controller's:
/// a classmate's Pod cannot reach them (NetworkPolicies add up, so learners may only read it).
pub(super) fn network_policy(ns: &str, labels: &Labels, controller_namespaces: &[String]) -> Value {
    let mut from = vec![json!({ "podSelector": {} })];
    from.extend(controller_namespaces.iter().map(
        |n| json!({ "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": n } } }),
    ));
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": { "name": ISOLATION_POLICY, "namespace": ns, "labels": labels },
        "spec": {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [{ "from": from }],
        },
    })
}

pub(super) fn resource_quota(ns: &str, labels: &Labels, q: &Quota) -> Value {
    let mut quota = json!({
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
    });
    for (resource, n) in &q.counts {
        quota["spec"]["hard"][format!("count/{resource}")] = json!(n.to_string());
    }
    quota
}

pub(super) fn limit_range(ns: &str, labels: &Labels, q: &Quota) -> Value {
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
pub(super) fn cluster_role() -> Value {
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

pub(super) fn cluster_role_binding_name(ns: &str) -> String {
    format!("{LEARNER_ROLE}-{ns}")
}

pub(super) fn cluster_role_binding(ns: &str, labels: &Labels) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": { "name": cluster_role_binding_name(ns), "labels": labels },
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": LEARNER_ROLE },
        "subjects": [{ "kind": "ServiceAccount", "name": SERVICE_ACCOUNT, "namespace": ns }],
    })
}
